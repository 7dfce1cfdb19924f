using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Silo.Tests.Support;
using Xunit.Abstractions;

namespace OrleansHub.Silo.Tests.Cluster;

/// <summary>
/// Three silo processes on one PostgreSQL form one cluster (docs/operations.md "Failure detection"): a request on
/// any silo reaches grains on any silo, and after <c>kill -9</c> of one of them, the grains it held answer again on
/// the survivors with every acknowledged write. The time that takes is printed (docs/performance.md records it);
/// the deadline below only keeps a broken failover from hanging the run.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FailoverDeadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AfterKillingOneOfThreeSilosItsGrainsAnswerOnTheSurvivorsWithEveryAcknowledgedWrite()
    {
        await using var cluster = await SiloCluster.StartAsync(3);

        // Workspaces created through every silo, renamed once: those created through the silo about to die
        // were placed on it (a new activation prefers the silo that called).
        var token = await SiloCluster.RegisterAsync(cluster[0].BaseAddress);
        var names = new Dictionary<string, string>();
        for (var silo = 0; silo < cluster.Count; silo++)
        {
            using var client = SiloCluster.Client(cluster[silo].BaseAddress, token);
            for (var i = 0; i < 10; i++)
            {
                var id = await SiloCluster.CreateWorkspaceAsync(client, "first");
                names[id] = "renamed-" + id[..8];
                using var renamed = await client.PutAsJsonAsync($"/api/v1/workspaces/{id}", new { name = names[id] });
                Assert.True(renamed.StatusCode == HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
            }
        }

        // Every grain is reachable from every silo before the kill.
        using (var fromFirst = SiloCluster.Client(cluster[0].BaseAddress, token))
        {
            Assert.Equal(names.Count, await CountAnsweringAsync(fromFirst, names, cluster[0]));
        }

        var clock = Stopwatch.StartNew();
        await cluster.KillAsync(2);

        using var survivor = SiloCluster.Client(cluster[0].BaseAddress, token);
        using var deadline = new CancellationTokenSource(FailoverDeadline);
        while (await CountAnsweringAsync(survivor, names, cluster[0]) < names.Count)
        {
            Assert.False(deadline.IsCancellationRequested,
                $"Not every workspace answered within {FailoverDeadline.TotalSeconds:0} s of the kill.\n{cluster.Output()}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        var answeredAgain = clock.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"All {names.Count} workspaces answered with their acknowledged names {answeredAgain.TotalSeconds:0.0} s after kill -9 of one of three silos."));

        // The cluster agrees the victim is dead, and the second survivor serves every grain too.
        await cluster.WaitForActiveSilosAsync(2, FailoverDeadline);
        using var other = SiloCluster.Client(cluster[1].BaseAddress, token);
        Assert.Equal(names.Count, await CountAnsweringAsync(other, names, cluster[1]));
    }

    /// <summary>How many workspaces answer 200 with their acknowledged name; anything else counts as not yet.</summary>
    private static async Task<int> CountAnsweringAsync(HttpClient client, Dictionary<string, string> names, SiloProcess silo)
    {
        var answers = await Task.WhenAll(names.Select(async pair =>
        {
            try
            {
                using var response = await client.GetAsync($"/api/v1/workspaces/{pair.Key}");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    // 503 while the dead silo's grains move is expected; a 500 is a bug.
                    Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
                        $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{string.Join('\n', silo.Output.Split('\n').Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(20))}");
                    return false;
                }
                var name = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString();
                Assert.Equal(pair.Value, name); // an acknowledged write is never lost
                return true;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }));
        return answers.Count(answered => answered);
    }
}
