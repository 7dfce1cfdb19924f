using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansHub.LoadTest;

/// <summary>A user of the run: bearer token for the hub, API key for REST (it does not expire mid-run).</summary>
internal sealed record LoadUser(string Id, string AccessToken, string ApiKey);

/// <summary>One workspace and one store of a user, and the menu item its orders use.</summary>
internal sealed record LoadGroup(LoadUser Owner, string WorkspaceId, string StoreId, string MenuItemId)
{
    public string WorkspaceStream => $"workspace:{WorkspaceId}";

    public string StoreStream => $"store:{StoreId}";
}

/// <summary>The REST calls of the run (docs/api.md): set-up, and the status changes the writers drive, each timed.</summary>
internal sealed class RestDriver(HttpClient http, LoadStats stats)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task<LoadUser> RegisterAsync(CancellationToken cancellationToken)
    {
        var name = "load" + Guid.NewGuid().ToString("N")[..12];
        var session = await SendAsync(HttpMethod.Post, "/api/v1/auth/register", null, new { username = name, email = name + "@load.test", password = "load-" + Guid.NewGuid().ToString("N") }, cancellationToken);
        var token = session.GetProperty("access_token").GetString()!;
        var id = session.GetProperty("user").GetProperty("id").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys") { Content = JsonContent.Create(new { name = "load" }, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var key = (await ReadAsync(response, "create api key", cancellationToken)).GetProperty("key").GetString()!;
        return new LoadUser(id, token, key);
    }

    /// <summary>A workspace with one long task parked in it (so created tasks stay queued), and a store with a menu.</summary>
    public async Task<LoadGroup> CreateGroupAsync(LoadUser owner, int parkSeconds, CancellationToken cancellationToken)
    {
        var workspace = (await SendAsync(HttpMethod.Post, "/api/v1/workspaces", owner, new { name = "load" }, cancellationToken)).GetProperty("id").GetString()!;
        await SendAsync(HttpMethod.Post, "/api/v1/tasks", owner,
            new { workspace_id = workspace, type = "command", command = new[] { "sleep", parkSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }, timeout_seconds = parkSeconds },
            cancellationToken);
        var store = (await SendAsync(HttpMethod.Post, "/api/v1/stores", owner, new { name = "load" }, cancellationToken)).GetProperty("id").GetString()!;
        var menu = await SendAsync(HttpMethod.Put, $"/api/v1/stores/{store}/menu", owner,
            new { categories = new[] { new { name = "all", items = new[] { new { name = "coffee", price = 3000 } } } } }, cancellationToken);
        var item = menu.GetProperty("categories")[0].GetProperty("items")[0].GetProperty("id").GetString()!;
        return new LoadGroup(owner, workspace, store, item);
    }

    /// <summary>A task created and cancelled while queued: two status-changing requests.</summary>
    public async Task TaskFlowAsync(LoadGroup group, Func<CancellationToken, ValueTask> pace, CancellationToken cancellationToken)
    {
        await pace(cancellationToken);
        var id = await TimedAsync("create_task", HttpMethod.Post, "/api/v1/tasks", group.Owner,
            new { workspace_id = group.WorkspaceId, type = "command", command = new[] { "true" } }, cancellationToken, readId: true);
        if (id is null)
        {
            return;
        }
        await pace(cancellationToken);
        await TimedAsync("cancel_task", HttpMethod.Post, $"/api/v1/tasks/{id}/cancel", group.Owner, null, cancellationToken);
    }

    /// <summary>An order through its happy path: create, accept, ready, complete (four requests).</summary>
    public async Task OrderFlowAsync(LoadGroup group, Func<CancellationToken, ValueTask> pace, CancellationToken cancellationToken)
    {
        await pace(cancellationToken);
        var id = await TimedAsync("create_order", HttpMethod.Post, "/api/v1/orders", group.Owner,
            new { store_id = group.StoreId, items = new[] { new { menu_item_id = group.MenuItemId, quantity = 1 } } }, cancellationToken, readId: true);
        if (id is null)
        {
            return;
        }
        (string Operation, string Path, object? Body)[] steps =
        [
            ("accept_order", $"/api/v1/orders/{id}/accept", new { estimated_minutes = 10 }),
            ("ready_order", $"/api/v1/orders/{id}/ready", null),
            ("complete_order", $"/api/v1/orders/{id}/complete", null),
        ];
        foreach (var (operation, path, body) in steps)
        {
            await pace(cancellationToken);
            if (await TimedAsync(operation, HttpMethod.Post, path, group.Owner, body, cancellationToken) is null)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends one timed request. Returns null when it failed, else the response's <c>id</c> when
    /// <paramref name="readId"/> (the only part of a response the writers use) or "" otherwise; a body that is
    /// not needed is read but not parsed, to keep the harness's share of the machine small.
    /// </summary>
    private async Task<string?> TimedAsync(
        string operation, HttpMethod method, string path, LoadUser caller, object? body, CancellationToken cancellationToken, bool readId = false)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = Request(method, path, caller, body);
            using var response = await http.SendAsync(request, cancellationToken);
            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (!response.IsSuccessStatusCode)
            {
                stats.Request(operation, micros, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return null;
            }
            stats.Request(operation, micros, null);
            return readId ? IdOf(content) : "";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            stats.Request(operation, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, exception.GetType().Name);
            return null;
        }
    }

    // The top-level "id" of a JSON object, read without building a document.
    private static string? IdOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isId = reader.ValueTextEquals("id"u8);
            reader.Read();
            if (isId)
            {
                return reader.GetString();
            }
            reader.Skip();
        }
        return null;
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, LoadUser? caller, object body, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, caller, body);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync(response, $"{method} {path}", cancellationToken);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, LoadUser? caller, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        if (caller is not null)
        {
            request.Headers.Add("X-API-Key", caller.ApiKey);
        }
        return request;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what} answered {(int)response.StatusCode}: {text}");
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
