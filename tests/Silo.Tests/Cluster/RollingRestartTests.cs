using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Silo.Tests.Support;
using Xunit.Abstractions;

namespace OrleansHub.Silo.Tests.Cluster;

/// <summary>
/// A rolling restart through a real load balancer (docs/operations.md "Rolling restarts", "Load balancer settings"):
/// YARP in front of three silo processes, writers and hub clients connected only through it. Each silo in turn gets
/// SIGTERM, drains (readiness 503 for <c>Silo:DrainDelay</c>, longer than the balancer needs to take it out), exits,
/// and starts again at the same address. The balancer never sends a request to a silo that no longer serves (no
/// broken connection, no 502), no answer is a 500, and hub clients closed by a draining silo reconnect through the
/// balancer and resume by <c>afterSeq</c>: every event of their streams exactly once and in order.
/// </summary>
/// <remarks>
/// Zero failed requests: not one write answers anything but 200, though calls reach grains on the stopping silo until
/// it leaves (docs/operations.md "Rolling restarts": the grace before it leaves, and the resend of calls Orleans
/// rejected before they ran). And every silo's Orleans stops gracefully.
/// </remarks>
[Collection(ClusterCollection.Name)]
public sealed class RollingRestartTests(ITestOutputHelper output)
{
    private const int Silos = 3;
    private const int Workspaces = 6;
    private const int Followers = 4;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        // More than the balancer needs to notice: FailureThreshold probes ProbeInterval apart, plus one interval.
        ["Silo__DrainDelay"] = "00:00:04",
    };

    [Fact]
    public async Task RestartingEachSiloInTurnBreaksNoConnectionAndLosesOrRepeatsNoEvent()
    {
        await using var cluster = await SiloCluster.StartAsync(Silos, Settings);
        await using var balancer = await LoadBalancer.StartAsync([.. Enumerable.Range(0, Silos).Select(i => cluster[i].BaseAddress)]);
        await WaitUntilAsync(() => Enumerable.Range(0, Silos).All(balancer.IsHealthy), "healthy silos behind the balancer", cluster);

        var token = await SiloCluster.RegisterAsync(balancer.Address);
        var ids = new List<string>();
        using (var http = SiloCluster.Client(balancer.Address, token))
        {
            for (var i = 0; i < Workspaces; i++)
            {
                ids.Add(await SiloCluster.CreateWorkspaceAsync(http));
            }
        }
        var streams = ids.Select(id => "workspace:" + id).ToList();

        var followers = new List<StreamFollower>();
        try
        {
            for (var i = 0; i < Followers; i++)
            {
                followers.Add(await StreamFollower.StartAsync(token, streams, _ => balancer.Address));
            }

            using var stop = new CancellationTokenSource();
            var writers = ids.Select(id => new WorkspaceWriter(id, () => SiloCluster.Client(balancer.Address, token))).ToList();
            var running = writers.Select(w => w.RunAsync(Pace, stop.Token)).ToList();
            await WaitUntilAsync(() => writers.All(w => w.Count >= 3), "writers under way", cluster);

            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (var silo = 0; silo < Silos; silo++)
            {
                var before = writers.Sum(w => w.Count);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.0} s: SIGTERM to silo {silo}"));
                await cluster[silo].TerminateAsync();
                Assert.Equal(0, await cluster[silo].WaitForExitAsync(SiloCluster.StartTimeout));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.0} s: silo {silo} exited"));
                await cluster.RestartAsync(silo);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.0} s: silo {silo} ready again"));
                await cluster.WaitForActiveSilosAsync(Silos, Deadline);
                await WaitUntilAsync(() => balancer.IsHealthy(silo), $"silo {silo} back behind the balancer", cluster);
                Assert.True(writers.Sum(w => w.Count) > before, "Writers made no progress while a silo restarted.");
            }

            var afterRestarts = writers.ToDictionary(w => w, w => w.Count);
            await WaitUntilAsync(() => writers.All(w => w.Count >= afterRestarts[w] + 3), "writers after the restarts", cluster);
            await stop.CancelAsync();
            await Task.WhenAll(running);

            // Zero failed requests: no 5xx (503 included), no 502 from the balancer, no broken connection.
            var failed = writers.SelectMany(w => w.Unexpected).ToList();
            Assert.True(failed.Count == 0, $"{failed.Count} requests failed:\n{string.Join('\n', failed.Take(6))}\n{cluster.Output()}");
            Assert.True(writers.Sum(w => w.FailedAttempts) == 0,
                $"{writers.Sum(w => w.FailedAttempts)} writes failed ({writers.Sum(w => w.BrokenConnections)} broken connections, the rest 503):\n{Unavailable(cluster)}");

            // Each silo left the cluster gracefully: its hub connections closed after the drain, so Kestrel's stop did
            // not wait out the host's shutdown timeout and cancel Orleans' stop.
            Assert.DoesNotContain("(non-graceful)", cluster.Output(), StringComparison.Ordinal);

            await using var reader = await StreamFollower.StartAsync(token, streams, _ => balancer.Address);
            var lastSeq = streams.ToDictionary(s => s, reader.LastSeqAtSubscribe);
            await WaitUntilAsync(() => reader.HasReached(lastSeq), "the replay from seq 0", cluster);
            foreach (var writer in writers)
            {
                var stream = "workspace:" + writer.WorkspaceId;
                var stored = reader.Received(stream);
                Assert.Equal(Enumerable.Range(1, (int)lastSeq[stream]).Select(i => (long)i), stored.Select(e => e.Seq));
                var names = stored.Select(e => e.Name).ToList();
                foreach (var name in writer.Acknowledged.Concat(writer.ConfirmedByReadBack))
                {
                    Assert.True(names.Count(n => n == name) == 1, $"{stream}: acknowledged name {name} appears {names.Count(n => n == name)} times");
                }
                Assert.All(names.Skip(1), name => Assert.Contains(name, writer.Attempted));
            }

            foreach (var follower in followers)
            {
                await WaitUntilAsync(() => follower.HasReached(lastSeq), "every client catching up", cluster);
                Assert.Empty(follower.Problems);
                foreach (var stream in streams)
                {
                    Assert.Equal(reader.Received(stream).Select(e => (e.Seq, e.Name)), follower.Received(stream).Select(e => (e.Seq, e.Name)));
                }
            }
            Assert.True(followers.Sum(f => f.Reconnects) >= 1, "No hub client was closed by a draining silo.");

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Rolling restart of {Silos} silos through YARP: {writers.Sum(w => w.Count)} writes acknowledged, none failed; {followers.Sum(f => f.Reconnects)} hub reconnects, {followers.Sum(f => streams.Sum(s => f.Received(s).Count))} events delivered, none lost or repeated."));
        }
        finally
        {
            foreach (var follower in followers)
            {
                await follower.DisposeAsync();
            }
        }
    }

    // What the silos logged about the 503s they answered: the exception says which path of Orleans failed the call.
    private static string Unavailable(SiloCluster cluster) =>
        string.Join('\n', cluster.Output().Split('\n').Where(line => line.Contains("answered 503", StringComparison.Ordinal)
            || line.StartsWith("Orleans.Runtime.", StringComparison.Ordinal)).Take(20));

    private static Task WaitUntilAsync(Func<bool> condition, string what, SiloCluster cluster) =>
        Eventually.WaitAsync(condition, what, Deadline, cluster.Output);
}
