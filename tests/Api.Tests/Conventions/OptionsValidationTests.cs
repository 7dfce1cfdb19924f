using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Conventions;

namespace OrleansHub.Api.Tests.Conventions;

/// <summary>A host with a nonsensical limit or origin refuses to start and names the setting.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("RateLimits:Auth:PermitLimit", "0", "PermitLimit")]
    [InlineData("RateLimits:PerCaller:WindowSeconds", "-5", "WindowSeconds")]
    [InlineData("RateLimits:Anonymous:PermitLimit", "2000000", "PermitLimit")]
    [InlineData("Limits:MaxRequestBodyBytes", "0", "MaxRequestBodyBytes")]
    [InlineData("Cors:AllowedOrigins:0", "*", "AllowedOrigins")]
    [InlineData("Cors:AllowedOrigins:0", "https://app.example.test/path", "AllowedOrigins")]
    [InlineData("Cors:AllowedOrigins:0", "ftp://app.example.test", "AllowedOrigins")]
    [InlineData("Proxies:KnownProxies:0", "proxy.example.test", "Proxies:KnownProxies")]
    [InlineData("Proxies:KnownNetworks:0", "10.0.0.0/33", "Proxies:KnownNetworks")]
    public async Task AnInvalidSettingStopsTheHostFromStarting(string key, string value, string named)
    {
        using var host = Build(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDefaultsAndSaneValuesStart()
    {
        using var host = Build(new()
        {
            ["RateLimits:Auth:PermitLimit"] = "5",
            ["Cors:AllowedOrigins:0"] = "https://app.example.test",
            ["Cors:AllowedOrigins:1"] = "http://localhost:5173",
            ["Proxies:KnownProxies:0"] = "10.0.0.5",
            ["Proxies:KnownNetworks:0"] = "fd00::/8",
        });

        await host.StartAsync();
        await host.StopAsync();
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHubConventions();
        return builder.Build();
    }
}
