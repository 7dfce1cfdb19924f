using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Silo.Hosting;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Identity;

/// <summary>Where the access-token key comes from, and when the silo refuses to run without one.</summary>
public sealed class SigningKeyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleanshub-key-test-").FullName;

    [Fact]
    public void OnItsEmbeddedDatabaseTheSiloKeepsOneGeneratedKeyNextToTheData()
    {
        var dataDirectory = Path.Combine(_directory, ".data", "pg");

        var first = Builder(("Silo:DataDirectory", dataDirectory)).AddSigningKey(NullLogger.Instance).Configuration["Auth:SigningKey"];
        var second = Builder(("Silo:DataDirectory", dataDirectory)).AddSigningKey(NullLogger.Instance).Configuration["Auth:SigningKey"];

        var path = Path.Combine(_directory, ".data", "signing-key");
        Assert.Equal(path, SigningKeyBootstrap.KeyFilePath(dataDirectory));
        Assert.Equal(32, Convert.FromBase64String(first!).Length);
        Assert.Equal(first, second);
        Assert.Equal(first, File.ReadAllText(path).Trim());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void AConfiguredKeyWinsAndNoFileIsWritten()
    {
        var dataDirectory = Path.Combine(_directory, ".data", "pg");

        var key = Builder(("Silo:DataDirectory", dataDirectory), ("Auth:SigningKey", "configured"))
            .AddSigningKey(NullLogger.Instance).Configuration["Auth:SigningKey"];

        Assert.Equal("configured", key);
        Assert.False(File.Exists(SigningKeyBootstrap.KeyFilePath(dataDirectory)));
    }

    [Fact]
    public void WithAnExternalDatabaseOrInProductionThereIsNoKeyWithoutConfiguration()
    {
        var dataDirectory = Path.Combine(_directory, ".data", "pg");

        var external = Assert.Throws<OptionsValidationException>(() =>
            Builder(("ConnectionStrings:Hub", "Host=db"), ("Silo:DataDirectory", dataDirectory)).AddSigningKey(NullLogger.Instance));
        var production = Assert.Throws<OptionsValidationException>(() =>
            Builder(("environment", "Production"), ("Silo:DataDirectory", dataDirectory)).AddSigningKey(NullLogger.Instance));

        Assert.Contains("Auth:SigningKey is required", external.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:SigningKey is required", production.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(SigningKeyBootstrap.KeyFilePath(dataDirectory)));
    }

    [Fact]
    public void ACorruptKeyFileIsReportedNotReplaced()
    {
        var path = Path.Combine(_directory, "signing-key");
        File.WriteAllText(path, "too short");

        var error = Assert.Throws<OptionsValidationException>(() => SigningKeyBootstrap.LoadOrCreate(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal("too short", File.ReadAllText(path));
    }

    [Fact]
    public async Task TheSiloOnAnExternalDatabaseDoesNotStartWithoutAKey()
    {
        await using var factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?> { ["Auth:SigningKey"] = null });

        Assert.ThrowsAny<Exception>(factory.StartServer);
    }

    [Fact]
    public async Task AKeyShorterThan256BitsDoesNotStart()
    {
        await using var factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Convert.ToBase64String(new byte[16]),
        });

        // The silo logs the reason and exits; IdentityOptionsTests checks the reason itself.
        Assert.ThrowsAny<Exception>(factory.StartServer);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static WebApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }
}
