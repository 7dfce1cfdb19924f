using System.Net;
using System.Text.Json;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;
using OrleansHub.TestSupport;

namespace OrleansHub.Silo.Tests.Hosting;

/// <summary>The silo as an operator runs it: a real process, real PostgreSQL, its console output and exit code.</summary>
public sealed class SiloStartupTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    // Bounds, not expectations: initdb on a busy two-core machine can take a while.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, string?> NoSettings = [];

    [Fact]
    public async Task WithoutAConnectionStringTheSiloRunsEmbeddedPostgresAndStopsItOnSigterm()
    {
        await using var silo = SiloProcess.Start(NoSettings);

        using var ready = await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout);
        Assert.Equal("""{"status":"ready"}""", await ready.Content.ReadAsStringAsync());
        using var live = await silo.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("""{"status":"live"}""", await live.Content.ReadAsStringAsync());

        var postmaster = PostmasterProcess.ReadPid(silo.EmbeddedDataDirectory);
        Assert.True(PostmasterProcess.IsRunning(postmaster));

        await silo.TerminateAsync();

        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
        Assert.False(File.Exists(Path.Combine(silo.EmbeddedDataDirectory, "postmaster.pid")), silo.Output);
        Assert.False(PostmasterProcess.IsRunning(postmaster), silo.Output);
        Assert.Empty(silo.ErrorLines());
    }

    [Fact]
    public async Task TheSiloWatchesNoFilesSoPostgresWritesUnderItsDirectoryCostItNothing()
    {
        // Settings are read at start (docs/performance.md, "Settings are not watched"): a recursive watch of
        // the working directory would take in the embedded data directory and every file PostgreSQL writes.
        await using var silo = SiloProcess.Start(NoSettings);
        using var ready = await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout);
        Assert.True(Directory.Exists(Path.Combine(silo.EmbeddedDataDirectory, "base")), silo.Output);

        Assert.Equal(0, FileWatches.Count(silo.ProcessId));
    }

    [Fact]
    public async Task WithAConnectionStringTheSiloUsesThatServerAndStartsNoEmbeddedOne()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string?> { ["ConnectionStrings__Hub"] = postgres.ConnectionString });

        using var ready = await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout);

        Assert.False(Directory.Exists(Path.Combine(silo.WorkingDirectory, ".data")));
        await silo.TerminateAsync();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
        Assert.DoesNotContain("Embedded PostgreSQL", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableServerStopsTheSiloWithOneClearErrorLine()
    {
        var closedPort = EmbeddedPostgres.FindFreePort();
        await using var silo = SiloProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = $"Host=127.0.0.1;Port={closedPort};Username=postgres;Database=orleanshub;Timeout=5",
        });

        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        Assert.NotEqual(0, exitCode);
        var error = Assert.Single(silo.ErrorLines());
        Assert.Contains("cannot reach PostgreSQL", error, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{closedPort}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPostgresBinariesStopTheSiloWithOneClearErrorLine()
    {
        var emptyBin = TemporaryDirectory.Create("orleanshub-no-postgres-");
        try
        {
            await using var silo = SiloProcess.Start(new Dictionary<string, string?>
            {
                ["PATH"] = emptyBin,
                ["Silo__PostgresBinDirectory"] = emptyBin,
            });

            var exitCode = await silo.WaitForExitAsync(ExitTimeout);

            Assert.NotEqual(0, exitCode);
            var error = Assert.Single(silo.ErrorLines());
            Assert.Contains("PostgreSQL binaries not found", error, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings__Hub", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(emptyBin);
        }
    }

    [Fact]
    public async Task InvalidOptionsStopTheSiloWithOneClearErrorLine()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string?> { ["Silo__DataDirectory"] = "" });

        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        Assert.NotEqual(0, exitCode);
        var error = Assert.Single(silo.ErrorLines());
        Assert.Contains("invalid configuration", error, StringComparison.Ordinal);
        Assert.Contains("DataDirectory", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonLoggingWritesOneJsonObjectPerLine()
    {
        var closedPort = EmbeddedPostgres.FindFreePort();
        await using var silo = SiloProcess.Start(new Dictionary<string, string?>
        {
            ["Logging__Json"] = "true",
            ["ConnectionStrings__Hub"] = $"Host=127.0.0.1;Port={closedPort};Username=postgres;Database=orleanshub;Timeout=5",
        });

        Assert.NotEqual(0, await silo.WaitForExitAsync(ExitTimeout));

        var lines = silo.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var errorReasons = new List<string?>();
        foreach (var line in lines)
        {
            using var logEvent = JsonDocument.Parse(line);
            if (logEvent.RootElement.TryGetProperty("@l", out var level) && level.GetString() == "Error")
            {
                errorReasons.Add(logEvent.RootElement.GetProperty("Reason").GetString());
            }
        }

        Assert.Contains("cannot reach PostgreSQL", Assert.Single(errorReasons), StringComparison.Ordinal);
    }
}
