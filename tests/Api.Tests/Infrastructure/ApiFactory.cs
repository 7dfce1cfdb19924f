using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace OrleansHub.Api.Tests.Infrastructure;

/// <summary>
/// The whole silo (runtime, grains, API) on real Kestrel at 127.0.0.1:&lt;free port&gt;, on its own
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
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            Settings[key] = value;
        }
        UseKestrel(0);
    }

    public Dictionary<string, string?> Settings { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Hub", _connectionString);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
