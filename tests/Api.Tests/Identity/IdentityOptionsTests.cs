using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Identity;
using OrleansHub.Grains.Identity;

namespace OrleansHub.Api.Tests.Identity;

/// <summary>What the identity settings (the API's and the identity grains') accept, as validated when the host starts.</summary>
public sealed class IdentityOptionsTests
{
    private static readonly string GoodKey = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void TheDefaultsWithA256BitKeyAreValid()
    {
        using var services = Services(("Auth:SigningKey", GoodKey));

        var auth = services.GetRequiredService<IOptions<AuthOptions>>().Value;

        Assert.Equal(TimeSpan.FromMinutes(15), auth.AccessTokenLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), auth.ClockSkew);
        Assert.Equal(210_000, services.GetRequiredService<IOptions<PasswordHashingOptions>>().Value.Iterations);
    }

    [Theory]
    [InlineData("Auth:SigningKey", "AAAAAAAAAAAAAAAAAAAAAA==", "256 bits")]
    [InlineData("Auth:SigningKey", "not base64!", "base64")]
    [InlineData("Auth:ClockSkew", "00:00:31", "ClockSkew")]
    [InlineData("Auth:AccessTokenLifetime", "2.00:00:00", "AccessTokenLifetime")]
    [InlineData("Auth:RefreshTokenLifetime", "60.00:00:00", "RefreshTokenLifetime")]
    public void AnUnsafeTokenSettingIsRefused(string key, string value, string named)
    {
        using var services = Services(("Auth:SigningKey", GoodKey), (key, value));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AuthOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FewerThan210000IterationsAreRefusedOutsideTesting()
    {
        using var staging = Services(("Auth:Passwords:Iterations", "209999"));
        using var testing = Services(environment: "Testing", ("Auth:Passwords:Iterations", "1000"));

        var error = Assert.Throws<OptionsValidationException>(() => staging.GetRequiredService<IOptions<PasswordHashingOptions>>().Value);

        Assert.Contains("Iterations", error.Message, StringComparison.Ordinal);
        Assert.Equal(1000, testing.GetRequiredService<IOptions<PasswordHashingOptions>>().Value.Iterations);
    }

    private static ServiceProvider Services(params (string Key, string Value)[] settings) => Services("Staging", settings);

    private static ServiceProvider Services(string environment, params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        // Later settings win, as later configuration sources do.
        var configuration = new ConfigurationBuilder();
        foreach (var (key, value) in settings)
        {
            configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]);
        }
        services.AddSingleton<IConfiguration>(configuration.Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment });
        services.AddLogging();
        services.AddHubIdentity();
        // The password settings are the identity grains'; the silo registers both.
        services.AddIdentityGrains();
        return services.BuildServiceProvider();
    }
}
