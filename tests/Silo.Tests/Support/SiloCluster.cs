using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OrleansHub.TestSupport;

namespace OrleansHub.Silo.Tests.Support;

/// <summary>
/// Silo processes of one cluster on one fresh PostgreSQL database (ADO.NET membership), sharing a signing key so a
/// token issued by one silo is accepted by all. Silos are numbered in start order; a restarted silo keeps its
/// number (and, unless told otherwise, its address), so a test can say "the clients of silo 2".
/// </summary>
internal sealed class SiloCluster : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    private readonly List<SiloProcess> _silos = [];
    private readonly List<SiloProcess> _replaced = [];
    private readonly bool[] _down;

    private SiloCluster(string database, Dictionary<string, string?> settings, int size)
    {
        Database = database;
        Settings = settings;
        _down = new bool[size];
    }

    /// <summary>The cluster's database (connection string).</summary>
    public string Database { get; }

    /// <summary>The environment every silo of the cluster starts with.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public int Count => _silos.Count;

    public SiloProcess this[int index] => _silos[index];

    /// <summary>
    /// Starts <paramref name="size"/> silos: the first alone (it applies the migrations), then the others together,
    /// and waits until the membership table shows them all Active.
    /// </summary>
    public static async Task<SiloCluster> StartAsync(int size, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Hub"] = database,
            ["Orleans__SiloPort"] = "0",
            ["Orleans__ClusterId"] = "cluster-" + Guid.NewGuid().ToString("N")[..8],
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            // Writers, probes and hub connections of one test user from one address: the per-caller and anonymous
            // limits (docs/security.md) are not what these tests are about.
            ["RateLimits__PerCaller__PermitLimit"] = "1000000",
            ["RateLimits__Anonymous__PermitLimit"] = "1000000",
            ["Logging__MinimumLevel"] = "Warning",
        };
        foreach (var (name, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var cluster = new SiloCluster(database, settings, size);
        try
        {
            cluster._silos.Add(SiloProcess.Start(settings));
            (await cluster._silos[0].WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();
            for (var i = 1; i < size; i++)
            {
                cluster._silos.Add(SiloProcess.Start(settings));
            }
            foreach (var silo in cluster._silos.Skip(1))
            {
                (await silo.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();
            }
            await cluster.WaitForActiveSilosAsync(size, StartTimeout);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>True while silo <paramref name="index"/> was neither killed nor stopped by the test.</summary>
    public bool IsUp(int index) => !_down[index];

    /// <summary>Silo <paramref name="index"/> if it is up, else the next one up (wrapping): where a load balancer would send its traffic.</summary>
    public SiloProcess UpFrom(int index)
    {
        for (var i = 0; i < _silos.Count; i++)
        {
            var candidate = (index + i) % _silos.Count;
            if (!_down[candidate])
            {
                return _silos[candidate];
            }
        }

        throw new InvalidOperationException("No silo of the cluster is up.");
    }

    /// <summary>The number of the silo listening at <paramref name="address"/>.</summary>
    public int IndexOf(Uri address) => _silos.FindIndex(s => s.BaseAddress == address);

    /// <summary>SIGKILL: the silo gets no chance to leave the cluster or close anything.</summary>
    public async Task KillAsync(int index)
    {
        _down[index] = true;
        await _silos[index].KillAsync();
    }

    /// <summary>Marks silo <paramref name="index"/> down for traffic (before a graceful stop a load balancer has already taken it out).</summary>
    public void MarkDown(int index) => _down[index] = true;

    /// <summary>Starts silo <paramref name="index"/> again at its old address (after it exited) and waits until it is ready.</summary>
    public async Task RestartAsync(int index)
    {
        var previous = _silos[index];
        var next = SiloProcess.StartAt(Settings, previous.BaseAddress);
        _replaced.Add(previous);
        _silos[index] = next;
        (await next.WaitForStatusAsync("/health/ready", HttpStatusCode.OK, StartTimeout)).Dispose();
        _down[index] = false;
    }

    /// <summary>Waits until the membership table shows exactly <paramref name="expected"/> Active silos.</summary>
    public async Task WaitForActiveSilosAsync(int expected, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            // Orleans' SiloStatus: 3 = Active.
            await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3", connection);
            if (Convert.ToInt32(await command.ExecuteScalarAsync(deadline.Token), CultureInfo.InvariantCulture) == expected)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    /// <summary>Registers a fresh user through <paramref name="address"/> and returns its access token.</summary>
    public static async Task<string> RegisterAsync(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var name = "cluster" + Guid.NewGuid().ToString("N")[..8];
        using var response = await http.PostAsJsonAsync("/api/v1/auth/register",
            new { username = name, email = $"{name}@example.com", password = "correct horse battery" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Creates a workspace named <paramref name="name"/> through <paramref name="http"/> and returns its id.</summary>
    public static async Task<string> CreateWorkspaceAsync(HttpClient http, string name = "created")
    {
        using var response = await http.PostAsJsonAsync("/api/v1/workspaces", new { name });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>An HTTP client for <paramref name="address"/> carrying <paramref name="token"/>.</summary>
    public static HttpClient Client(Uri address, string token)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>The output of every silo, for a failure message.</summary>
    public string Output() =>
        string.Join('\n', _replaced.Concat(_silos).Select((s, i) => $"--- silo process {i} ({s.BaseAddress}) ---\n{s.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
        foreach (var silo in _replaced)
        {
            await silo.DisposeAsync();
        }
        await PostgresServer.DropDatabaseAsync(Database);
    }
}
