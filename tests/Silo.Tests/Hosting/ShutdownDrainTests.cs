using System.Net;
using OrleansHub.Silo.Tests.Support;
using OrleansHub.TestSupport;

namespace OrleansHub.Silo.Tests.Hosting;

/// <summary>
/// Rolling restarts (docs/operations.md): on SIGTERM a silo with <c>Silo:DrainDelay</c> answers 503 on
/// <c>/health/ready</c> while it still serves requests, so a load balancer takes it out before it stops; then it
/// exits cleanly.
/// </summary>
public sealed class ShutdownDrainTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AfterSigtermReadinessIs503WhileRequestsAreStillServedThenTheSiloExits()
    {
        await using var silo = SiloProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = postgres.ConnectionString,
            ["Orleans__SiloPort"] = "0",
            ["Silo__DrainDelay"] = "00:00:10",
        });
        (await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();

        await silo.TerminateAsync();

        // The first 503 means draining began; the node must still answer afterwards (a load balancer's probes and
        // the requests it has not yet moved elsewhere).
        using (var notReady = await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.ServiceUnavailable, ExitTimeout))
        {
            Assert.Contains("shutting down", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var live = await silo.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        using (var openApi = await silo.GetAsync("/openapi/v1.json"))
        {
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        }

        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
        Assert.Contains("Draining", silo.Output, StringComparison.Ordinal);
        Assert.Empty(silo.ErrorLines());
    }
}
