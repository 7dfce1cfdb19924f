using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Recovery;

/// <summary>
/// Task scheduling survives the faults a hostile tester found stalling it (docs/tasks.md, "Recovery"): a
/// PostgreSQL restart under load and a silo killed mid-task. The real silo process, its embedded database
/// restarted with pg_ctl, and the REST API; the periods are shortened so that the documented bound is small.
/// </summary>
public sealed class TaskQueueRecoveryTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    // The bound this test holds the service to, for the periods below: ReconcilePeriod + StartGrace after the
    // database is back, WatchdogPeriod / QueueCheckPeriod after the restarted silo loads its reminders, plus
    // the runs themselves (2 s each, two at a time) and a busy two-core machine's slack.
    private static readonly TimeSpan DrainBound = TimeSpan.FromMinutes(3);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Execution__Mode"] = "UnsafeLocal", // scheduling, not the sandbox (tests/Execution.Tests covers that)
        ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Tasks__MaxRunningPerWorkspace"] = "2",
        ["Tasks__MaxActivePerUser"] = "12",
        ["Tasks__ReconcilePeriod"] = "00:00:01",
        ["Tasks__StartGrace"] = "00:00:03",
        ["Tasks__QueueCheckPeriod"] = "00:00:02",
        ["Tasks__WatchdogPeriod"] = "00:00:02",
        ["Reminders__MinimumReminderPeriod"] = "00:00:01",
        ["Reminders__RefreshReminderListPeriod"] = "00:00:05",
    };

    [Fact]
    public async Task AfterAPostgresRestartUnderLoadAndASiloKilledMidTaskEveryQueueDrainsAndEveryTaskEnds()
    {
        var first = SiloProcess.Start(Settings);
        SiloProcess? second = null;
        try
        {
            (await first.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();
            using var api = await ApiClient.SignUpAsync(first.BaseAddress);
            var workspaces = new[] { await api.CreateWorkspaceAsync("one"), await api.CreateWorkspaceAsync("two") };
            var created = new List<string>();
            foreach (var workspace in workspaces)
            {
                for (var i = 0; i < 4; i++)
                {
                    created.Add(await api.CreateTaskAsync(workspace, "sleep", "2"));
                }
            }

            // Under load: writers keep creating tasks while the database restarts (some get 503, that is fine).
            using var stopLoad = new CancellationTokenSource();
            var load = workspaces.Select(w => api.CreateTasksUntilAsync(w, stopLoad.Token)).ToList();
            await RestartPostgresAsync(first.EmbeddedDataDirectory);
            await stopLoad.CancelAsync();
            foreach (var writer in load)
            {
                created.AddRange(await writer);
            }

            // Kill the silo while tasks run, and start it again on the same data.
            await api.WaitUntilAnyRunningAsync(workspaces, DrainBound);
            await first.KillAsync();
            second = SiloProcess.Restart(first, Settings);
            (await second.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();

            var tasks = await api.WaitUntilAllFinalAsync(workspaces, DrainBound, () => second.Output);
            Assert.Superset(created.ToHashSet(), tasks.Keys.ToHashSet());
            foreach (var workspace in workspaces)
            {
                Assert.Equal(0, await api.RunningTasksAsync(workspace));
            }

            // Nothing stays counted against the user: a new task is admitted and runs to its end.
            var after = await api.CreateTaskAsync(workspaces[0], "true");
            Assert.Equal("succeeded", (await api.WaitUntilAllFinalAsync([workspaces[0]], DrainBound, () => second.Output))[after]);
        }
        finally
        {
            await (second ?? first).DisposeAsync();
        }
    }

    private static async Task RestartPostgresAsync(string dataDirectory)
    {
        // -l: the restarted postmaster writes to the server's log file; without it, it would inherit (and hold
        // open) the pipes read below.
        var binaries = PostgresBinaries.Find(binDirectory: null);
        var startInfo = new System.Diagnostics.ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-u", "postgres", "--", binaries.PgCtl, "restart", "-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-m", "fast", "-w", "-t", "60" })
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"pg_ctl restart failed: {output}");
    }

    /// <summary>One signed-up user's REST calls; retries what a database outage answers with 503.</summary>
    private sealed class ApiClient : IDisposable
    {
        private readonly HttpClient _http;

        private ApiClient(HttpClient http) => _http = http;

        public static async Task<ApiClient> SignUpAsync(Uri baseAddress)
        {
            var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var name = "recovery" + Guid.NewGuid().ToString("N")[..8];
            using var response = await http.PostAsJsonAsync("/api/v1/auth/register",
                new { username = name, email = $"{name}@example.com", password = "correct horse battery" });
            var session = await ReadAsync(response, HttpStatusCode.Created);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("access_token").GetString());
            return new ApiClient(http);
        }

        public async Task<string> CreateWorkspaceAsync(string name)
        {
            using var response = await _http.PostAsJsonAsync("/api/v1/workspaces", new { name });
            return (await ReadAsync(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        }

        public async Task<string> CreateTaskAsync(string workspace, params string[] command)
        {
            using var response = await _http.PostAsJsonAsync("/api/v1/tasks", new { workspace_id = workspace, type = "command", command });
            return (await ReadAsync(response, HttpStatusCode.Created)).GetProperty("id").GetString()!;
        }

        /// <summary>Creates tasks one after another until cancelled; returns the ids of those created (201).</summary>
        public async Task<List<string>> CreateTasksUntilAsync(string workspace, CancellationToken stop)
        {
            var created = new List<string>();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await _http.PostAsJsonAsync("/api/v1/tasks",
                        new { workspace_id = workspace, type = "command", command = new[] { "sleep", "2" } }, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        created.Add((await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("id").GetString()!);
                    }
                    else
                    {
                        // 503 while the database is away, 409 once the user's quota is full: neither is a 500.
                        Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict,
                            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                        await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                    }
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                }
            }
            return created;
        }

        public async Task WaitUntilAnyRunningAsync(IEnumerable<string> workspaces, TimeSpan bound)
        {
            using var deadline = new CancellationTokenSource(bound);
            while (true)
            {
                foreach (var workspace in workspaces)
                {
                    if ((await ListAsync(workspace)).ContainsValue("running"))
                    {
                        return;
                    }
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }
        }

        /// <summary>Polls the task lists until every task of the workspaces is final; returns id → status.</summary>
        public async Task<Dictionary<string, string>> WaitUntilAllFinalAsync(IEnumerable<string> workspaces, TimeSpan bound, Func<string> siloOutput)
        {
            var deadline = DateTimeOffset.UtcNow + bound;
            var all = new Dictionary<string, string>();
            while (true)
            {
                all.Clear();
                foreach (var workspace in workspaces)
                {
                    foreach (var (id, status) in await ListAsync(workspace))
                    {
                        all[id] = status;
                    }
                }
                if (all.Values.All(s => s is "succeeded" or "failed" or "cancelled" or "timed_out"))
                {
                    return all;
                }
                if (DateTimeOffset.UtcNow > deadline)
                {
                    var open = string.Join(", ", all.Where(t => t.Value is "queued" or "running").Select(t => $"{t.Key}={t.Value}"));
                    Assert.Fail($"Not final within {bound.TotalSeconds:0} s: {open}\n{siloOutput()}");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        public async Task<int> RunningTasksAsync(string workspace)
        {
            using var response = await _http.GetAsync($"/api/v1/workspaces/{workspace}");
            return (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("stats").GetProperty("running_tasks").GetInt32();
        }

        private async Task<Dictionary<string, string>> ListAsync(string workspace)
        {
            var tasks = new Dictionary<string, string>();
            for (var offset = 0; ; offset += 100)
            {
                using var response = await _http.GetAsync(string.Create(CultureInfo.InvariantCulture,
                    $"/api/v1/tasks?workspaceId={workspace}&limit=100&offset={offset}"));
                var page = (await ReadAsync(response, HttpStatusCode.OK)).GetProperty("data");
                foreach (var task in page.EnumerateArray())
                {
                    tasks[task.GetProperty("id").GetString()!] = task.GetProperty("status").GetString()!;
                }
                if (page.GetArrayLength() < 100)
                {
                    return tasks;
                }
            }
        }

        private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
            return JsonSerializer.Deserialize<JsonElement>(body);
        }

        public void Dispose() => _http.Dispose();
    }
}
