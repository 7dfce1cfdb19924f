using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Silo.Tests.Support;
using Xunit.Abstractions;

namespace OrleansHub.Silo.Tests.Cluster;

/// <summary>
/// Long work survives its silo (docs/tasks.md "Recovery"): a task running on a silo that is killed with
/// <c>kill -9</c> is settled by its durable watchdog reminder, which a survivor takes over with the dead silo's
/// reminder range. The local executors cannot re-attach a run, so the task ends <c>failed</c> with an error starting
/// <c>interrupted:</c>, its workspace slot is given back, and a hub client on a survivor sees that final status.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TaskFailoverTests(ITestOutputHelper output)
{
    private const int Silos = 3;

    // The bound for the periods below: the survivors declare the silo dead (seconds, docs/operations.md), one of
    // them loads the dead silo's reminders, and the watchdog fires within WatchdogPeriod. The deadline is that
    // with a busy two-core machine's slack; it only stops a hang.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Execution__Mode"] = "UnsafeLocal", // the run's process is a child of the silo holding the task
        ["Tasks__WatchdogPeriod"] = "00:00:02",
        ["Reminders__MinimumReminderPeriod"] = "00:00:01",
    };

    [Fact]
    public async Task ATaskRunningOnAKilledSiloIsSettledAsInterruptedByASurvivor()
    {
        await using var cluster = await SiloCluster.StartAsync(Silos, Settings);
        var token = await SiloCluster.RegisterAsync(cluster[0].BaseAddress);
        using var first = SiloCluster.Client(cluster[1].BaseAddress, token);
        var workspace = await CreateAsync(first, "/api/v1/workspaces", new { name = "long work" });

        // A command nobody else runs, so its process (and the silo it is a child of) can be found.
        var seconds = "300." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var task = await CreateAsync(first, "/api/v1/tasks", new { workspace_id = workspace, type = "command", command = new[] { "sleep", seconds } });
        var stream = "task:" + task;

        // Running: the process exists; its parent chain leads to the silo that holds the task grain.
        await using var watcher = await StreamFollower.StartAsync(token, [stream], attempt => cluster.UpFrom(attempt).BaseAddress);
        await WaitUntilAsync(() => watcher.Received(stream).Any(e => e.Type == "task.status" && e.Text("status") == "running"), "running status", cluster);
        var run = FindProcess(seconds) ?? throw new InvalidOperationException($"No process runs 'sleep {seconds}'.\n{cluster.Output()}");
        var holder = Enumerable.Range(0, Silos).Single(i => IsDescendant(run, cluster[i].ProcessId));

        // The hub client must be on a survivor to see the end; move it if it happens to be on the holder.
        await using var survivorWatcher = await StreamFollower.StartAsync(token, [stream], attempt => cluster.UpFrom(holder + 1 + attempt).BaseAddress);
        var clock = Stopwatch.StartNew();
        await cluster.KillAsync(holder);
        try
        {
            await WaitUntilAsync(() => survivorWatcher.Received(stream).Any(e => e.Type == "task.status" && e.Text("status") is not ("queued" or "running")), "final status", cluster);
            var settled = clock.Elapsed;
            var final = survivorWatcher.Received(stream).Last(e => e.Type == "task.status");
            Assert.Equal("failed", final.Text("status"));
            Assert.StartsWith("interrupted:", final.Text("error"), StringComparison.Ordinal);

            // REST agrees, and the workspace has its slot back.
            using var survivor = SiloCluster.Client(cluster.UpFrom(holder + 1).BaseAddress, token);
            var view = await survivor.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{task}");
            Assert.Equal("failed", view.GetProperty("status").GetString());
            await WaitUntilAsync(async () =>
            {
                var stats = (await survivor.GetFromJsonAsync<JsonElement>($"/api/v1/workspaces/{workspace}")).GetProperty("stats");
                return stats.GetProperty("running_tasks").GetInt32() == 0 && stats.GetProperty("failed_tasks").GetInt32() == 1;
            }, "the workspace's counts", cluster);

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"A task whose silo (1 of {Silos}) was killed with kill -9 was settled as interrupted by a survivor {settled.TotalSeconds:0.0} s after the kill (watchdog period 2 s)."));
        }
        finally
        {
            // The unsandboxed run outlives its silo (nothing kills it); end it by its id.
            try
            {
                run.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            run.Dispose();
        }
    }

    private static async Task<string> CreateAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The process whose command line is <c>sleep &lt;seconds&gt;</c>, from /proc.</summary>
    private static Process? FindProcess(string seconds)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (arguments.Length == 2 && Path.GetFileName(arguments[0]) == "sleep" && arguments[1] == seconds)
                {
                    return Process.GetProcessById(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // The process ended while we looked.
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="process"/> descends from the process <paramref name="ancestor"/>.</summary>
    private static bool IsDescendant(Process process, int ancestor)
    {
        for (var pid = process.Id; pid > 1;)
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after its closing parenthesis.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            pid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            if (pid == ancestor)
            {
                return true;
            }
        }
        return false;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what, SiloCluster cluster) =>
        Eventually.WaitAsync(condition, what, Deadline, cluster.Output);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what, SiloCluster cluster) =>
        Eventually.WaitAsync(condition, what, Deadline, cluster.Output);
}
