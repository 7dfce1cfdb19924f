using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansHub.Silo.Tests.Support;

/// <summary>
/// Renames one workspace over and over through REST (<c>PUT /api/v1/workspaces/{id}</c>, each name unique), the only
/// writer of that workspace, and keeps the books a client needs to know what the service acknowledged.
/// The REST API has no conditional (ETag) update, so a write whose answer was lost (a connection reset, a 503 while a
/// silo fails over) is settled the way a careful client would: it reads the workspace back until it answers; if the
/// name is the one it wrote, the write took effect (<see cref="ConfirmedByReadBack"/>); otherwise it is sent again,
/// with the same name. So no write is applied twice, and none is reported acknowledged without proof.
/// </summary>
internal sealed class WorkspaceWriter(string workspaceId, Func<HttpClient> client)
{
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromMinutes(2);
    private readonly object _gate = new();
    private readonly List<string> _acknowledged = [];
    private readonly List<string> _unexpected = [];

    public string WorkspaceId { get; } = workspaceId;

    /// <summary>Names whose PUT answered 200, in order.</summary>
    public IReadOnlyList<string> Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return [.. _acknowledged];
            }
        }
    }

    /// <summary>How many writes have been acknowledged (200 or confirmed by a read-back).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _acknowledged.Count + ConfirmedByReadBack.Count;
            }
        }
    }

    /// <summary>Names whose PUT failed without an answer but which the read-back showed applied.</summary>
    public List<string> ConfirmedByReadBack { get; } = [];

    /// <summary>Every name this writer sent at least once.</summary>
    public List<string> Attempted { get; } = [];

    /// <summary>Attempts that failed without a definite answer (connection errors, 503).</summary>
    public int FailedAttempts { get; private set; }

    /// <summary>Attempts whose connection broke or timed out (no HTTP answer at all).</summary>
    public int BrokenConnections { get; private set; }

    /// <summary>Answers that must never happen (a 500, a 4xx): the test fails on any.</summary>
    public IReadOnlyList<string> Unexpected
    {
        get
        {
            lock (_gate)
            {
                return [.. _unexpected];
            }
        }
    }

    /// <summary>The last name the service holds according to this writer's books.</summary>
    public string? LastName { get; private set; }

    /// <summary>Writes until <paramref name="stop"/>, one write at a time, <paramref name="pace"/> apart.</summary>
    public async Task RunAsync(TimeSpan pace, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await WriteAsync($"{WorkspaceId[..8]}-{n}");
            try
            {
                await Task.Delay(pace, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WriteAsync(string name)
    {
        Attempted.Add(name);
        using var deadline = new CancellationTokenSource(SettleDeadline);
        while (!deadline.IsCancellationRequested)
        {
            var outcome = await TryPutAsync(name);
            if (outcome == Outcome.Acknowledged)
            {
                lock (_gate)
                {
                    _acknowledged.Add(name);
                }
                LastName = name;
                return;
            }
            if (outcome == Outcome.Refused)
            {
                return;
            }

            FailedAttempts++;

            var current = await ReadBackAsync(deadline.Token);
            if (current == name)
            {
                lock (_gate)
                {
                    ConfirmedByReadBack.Add(name);
                }
                LastName = name;
                return;
            }
        }

        lock (_gate)
        {
            _unexpected.Add($"{name}: not settled within {SettleDeadline}");
        }
    }

    private async Task<Outcome> TryPutAsync(string name)
    {
        try
        {
            using var http = client();
            using var response = await http.PutAsJsonAsync($"/api/v1/workspaces/{WorkspaceId}", new { name });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return Outcome.Acknowledged;
            }
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return Outcome.Unknown;
            }

            var refusal = $"PUT {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            lock (_gate)
            {
                _unexpected.Add(refusal);
            }
            return Outcome.Refused;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The connection broke (its silo was killed) or the answer never came: the write may or may not have happened.
            BrokenConnections++;
            return Outcome.Unknown;
        }
    }

    /// <summary>The workspace's name as the service holds it, once some silo answers.</summary>
    private async Task<string?> ReadBackAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var http = client();
                using var response = await http.GetAsync($"/api/v1/workspaces/{WorkspaceId}", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("name").GetString();
                }
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    var refusal = $"GET: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
                    lock (_gate)
                    {
                        _unexpected.Add(refusal);
                    }
                    return null;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Its silo is gone or the grain is moving: ask again (the client may pick another silo).
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }

        return null;
    }

    private enum Outcome
    {
        Acknowledged,
        Unknown,
        Refused,
    }
}
