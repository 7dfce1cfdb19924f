using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansHub.Api.Tests.Infrastructure;

/// <summary>
/// The whole silo (Orleans, grains, API) on real Kestrel at 127.0.0.1:&lt;free port&gt;, on its own
/// database of the test run's PostgreSQL. <see cref="Settings"/> override configuration per factory.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly string _connectionString;

    public ApiFactory(string connectionString, IDictionary<string, string?>? settings = null)
    {
        _connectionString = connectionString;
        Settings = new Dictionary<string, string?>
        {
            // A real 256-bit key, as production requires one from configuration.
            ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),

            // Every client of a test is 127.0.0.1, and a test class registers and logs in many
            // users: the production limits (10 logins a minute per address) would turn unrelated
            // tests into 429s. Tests of the limits pass their own tiny ones in settings.
            ["RateLimits:Anonymous:PermitLimit"] = "1000000",
            ["RateLimits:Auth:PermitLimit"] = "1000000",
            ["RateLimits:PerCaller:PermitLimit"] = "1000000",

            // Every factory is a silo of its own cluster (its own database): each needs a port of its own.
            ["Orleans:SiloPort"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            Settings[key] = value;
        }
        UseKestrel(0);
    }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>Service replacements applied after the silo's own registrations (set before the server starts).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>
    /// Disposes the silo. A silo whose start failed (the tests of settings that refuse to start) was never running,
    /// and Orleans refuses to stop it: that refusal is not a failure of the test.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        catch (InvalidOperationException exception) when (exception.Message.StartsWith("Attempted to shutdown a silo which is not in the Running state", StringComparison.Ordinal))
        {
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Hub", _connectionString);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is { } testServices)
        {
            builder.ConfigureTestServices(testServices);
        }
    }
}
