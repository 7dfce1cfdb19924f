using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Workspaces;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Outbox.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansHub.Api.Tests.Tasks;

public sealed class TaskApiTests(DomainApiFixture api) : IClassFixture<DomainApiFixture>
{
    [Fact]
    public async Task AnEditorRunsATaskAndEveryoneWhoMaySeeItReadsItsLogs()
    {
        var owner = await api.RegisterAsync();
        var editor = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        await api.AddMemberAsync(owner, workspace, editor, "editor");
        using var asEditor = api.As(editor);

        using var created = await asEditor.PostJsonAsync("/api/v1/tasks", new
        {
            workspace_id = workspace,
            type = "command",
            command = new[] { "sh", "-c", "echo one; echo two >&2; echo '##progress 2/4 halfway'" },
            priority = "high",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var task = await created.ReadJsonAsync();
        Assert.Equal(7, Guid.ParseExact(task.GetProperty("id").GetString()!, "D").Version); // the one id form, time-ordered (docs/api.md)
        Assert.Equal("queued", task.GetProperty("status").GetString());
        Assert.Equal(editor.Id, task.GetProperty("created_by").GetString());
        var id = task.GetProperty("id").GetString()!;

        var events = await ReadStreamAsync(asEditor, id, lastEventId: null);
        Assert.Equal("succeeded", events.Last(e => e.Event == "status").Data.GetProperty("status").GetString());

        using var asOwner = api.As(owner);
        var finished = await (await asOwner.GetAsync($"/api/v1/tasks/{id}")).ReadJsonAsync();
        Assert.Equal(0, finished.GetProperty("exit_code").GetInt32());
        Assert.Equal(50.0, finished.GetProperty("progress").GetProperty("percentage").GetDouble());
        var logs = (await (await asOwner.GetAsync($"/api/v1/tasks/{id}/logs")).ReadJsonAsync()).GetProperty("data").EnumerateArray().ToList();
        Assert.Contains(logs, l => l.GetProperty("stream").GetString() == "stdout" && l.GetProperty("line").GetString() == "one");
        Assert.Contains(logs, l => l.GetProperty("stream").GetString() == "stderr" && l.GetProperty("line").GetString() == "two");
        var after = logs[0].GetProperty("seq").GetInt64();
        var later = (await (await asOwner.GetAsync($"/api/v1/tasks/{id}/logs?after={after}")).ReadJsonAsync()).GetProperty("data");
        Assert.Equal(logs.Count - 1, later.GetArrayLength());

        var listed = await (await asOwner.GetAsync($"/api/v1/tasks?workspace_id={workspace}&status=succeeded")).ReadJsonAsync();
        Assert.Equal([id], listed.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var stats = (await (await asOwner.GetAsync($"/api/v1/workspaces/{workspace}")).ReadJsonAsync()).GetProperty("stats");
        Assert.Equal(1, stats.GetProperty("succeeded_tasks").GetInt32());
    }

    [Fact]
    public async Task ATaskIssuedWithTheOld32HexIdIsStillReadListedAndCancelledByThatId()
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        using var client = api.As(owner);
        // Take the workspace's one slot (DomainApiFixture) so the legacy task stays queued and can be cancelled.
        await CreateTaskAsync(client, workspace, "sleep", "30");

        // As the API created tasks before ids had one form: a 32-hex-digit grain key.
        var legacyId = Guid.CreateVersion7().ToString("N");
        var grains = api.Factory.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<ITaskGrain>(legacyId).CallAsNewAsync(g => g.CreateAsync(new CreateTask(
            workspace, owner.Id, ["true"], null, ImmutableDictionary<string, string>.Empty, null, TaskPriorities.Medium)));

        var read = await (await client.GetAsync($"/api/v1/tasks/{legacyId}")).ReadJsonAsync();
        Assert.Equal(legacyId, read.GetProperty("id").GetString());
        var listed = await (await client.GetAsync($"/api/v1/tasks?workspace_id={workspace}&status=queued")).ReadJsonAsync();
        Assert.Contains(legacyId, listed.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        using var cancelled = await client.PostAsync($"/api/v1/tasks/{legacyId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheEventStreamResumesFromLastEventIdWithoutGapsOrRepeats()
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        using var client = api.As(owner);
        var id = await CreateTaskAsync(client, workspace, "sh", "-c", "for i in 1 2 3 4 5 6; do echo line$i; done");

        var all = await ReadStreamAsync(client, id, lastEventId: null);
        var cut = all[all.Count / 2].Id;
        var resumed = await ReadStreamAsync(client, id, lastEventId: cut);

        Assert.Equal(all.Where(e => e.Id > cut).Select(e => e.Id), resumed.Select(e => e.Id));
        Assert.Equal(all.Select(e => e.Id).Order(), all.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"line{i}"),
            all.Where(e => e.Event == "log").Select(e => e.Data.GetProperty("line").GetString()));
    }

    [Fact]
    public async Task ViewersCannotCreateOrCancelStrangersSeeNothingAndAGlobalViewerIsReadOnly()
    {
        var owner = await api.RegisterAsync();
        var viewer = await api.RegisterAsync();
        var stranger = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        await api.AddMemberAsync(owner, workspace, viewer, "viewer");
        using var asOwner = api.As(owner);
        var id = await CreateTaskAsync(asOwner, workspace, "sleep", "30");
        using var asViewer = api.As(viewer);
        using var asStranger = api.As(stranger);

        await (await asViewer.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspace, type = "command", command = new[] { "true" } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await (await asViewer.PostAsync($"/api/v1/tasks/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(HttpStatusCode.OK, (await asViewer.GetAsync($"/api/v1/tasks/{id}")).StatusCode);
        await (await asStranger.GetAsync($"/api/v1/tasks/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await asStranger.GetAsync($"/api/v1/tasks/{id}/logs")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await asStranger.PostAsync($"/api/v1/tasks/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await asStranger.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspace, type = "command", command = new[] { "true" } }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var strangersList = await (await asStranger.GetAsync($"/api/v1/tasks?workspace_id={workspace}")).ReadJsonAsync();
        Assert.Equal(0, strangersList.GetProperty("data").GetArrayLength());

        // A user whose global role is viewer cannot write, even in their own workspace.
        var globalViewer = await api.RegisterAsync();
        var own = await api.CreateWorkspaceAsync(globalViewer);
        using var admin = api.As(api.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutJsonAsync($"/api/v1/users/{globalViewer.Id}/role", new { role = "viewer" })).StatusCode);
        using var asGlobalViewer = api.As(globalViewer);
        await (await asGlobalViewer.PostJsonAsync("/api/v1/tasks", new { workspace_id = own, type = "command", command = new[] { "true" } }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");

        using var cancelled = await asOwner.PostAsync($"/api/v1/tasks/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        var final = await ReadStreamAsync(asOwner, id, lastEventId: null);
        Assert.Equal("cancelled", final.Last().Data.GetProperty("status").GetString());
        await (await asOwner.PostAsync($"/api/v1/tasks/{id}/cancel", null)).AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task BadTaskRequestsAreValidationErrors()
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        using var client = api.As(owner);

        var problem = await (await client.PostJsonAsync("/api/v1/tasks", new
        {
            workspace_id = workspace, type = "command", command = Array.Empty<string>(), priority = "urgent", timeout_seconds = 0,
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(problem.FieldErrors("command"));
        Assert.NotEmpty(problem.FieldErrors("priority"));
        Assert.NotEmpty(problem.FieldErrors("timeout_seconds"));
        await (await client.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspace, type = "script", command = new[] { "x" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tasks/nope/stream");
        await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    private static async Task<string> CreateTaskAsync(HttpClient client, string workspace, params string[] command)
    {
        using var response = await client.PostJsonAsync("/api/v1/tasks", new { workspace_id = workspace, type = "command", command });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
    }

    private sealed record SseEvent(long Id, string Event, JsonElement Data);

    /// <summary>Reads the task's SSE stream until the server ends it (after the final status).</summary>
    private static async Task<List<SseEvent>> ReadStreamAsync(HttpClient client, string taskId, long? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tasks/{taskId}/stream");
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<SseEvent>();
        long id = 0;
        var name = "";
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(new SseEvent(id, name, JsonDocument.Parse(line[6..]).RootElement.Clone()));
            }
        }
        return events;
    }
}
