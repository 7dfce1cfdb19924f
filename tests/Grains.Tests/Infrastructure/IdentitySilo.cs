using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansHub.Grains.Identity;
using OrleansHub.Runtime;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Grains.Tests.Infrastructure;

/// <summary>An in-process silo with the domain grains and migrations, on a real PostgreSQL database.</summary>
public sealed class IdentitySilo : IAsyncDisposable
{
    private readonly IHost _host;

    private IdentitySilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services: the identity lists and the login verifier besides the runtime's.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts a silo hashing passwords with <paramref name="iterations"/> PBKDF2 iterations (the Testing
    /// environment allows fewer than production's floor).
    /// </summary>
    public static async Task<IdentitySilo> StartAsync(string connectionString, int iterations = 1_000)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.Configure<PasswordHashingOptions>(options => options.Iterations = iterations);
        builder.Services.AddGrainRuntime(connectionString)
            .AddGrains(typeof(UserGrain).Assembly)
            .AddMigrations(typeof(UserGrain).Assembly);
        builder.Services.AddIdentityGrains();
        var host = builder.Build();
        await host.StartAsync();
        return new IdentitySilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
