using System.Security.Cryptography;
using OrleansHub.Silo.Postgres;

namespace OrleansHub.LoadTest;

/// <summary>
/// The self-started target (<c>--silos N</c>): one PostgreSQL started here and N silos forming one cluster on it, as
/// tests/Silo.Tests/Cluster starts them (a shared database, cluster id and signing key, free silo ports). The harness
/// starts the database itself, also for one silo, so 1-silo and N-silo runs compare the same topology; the server
/// is the silo's own <see cref="EmbeddedPostgres"/> (compiled in as shared source, same settings) with trusted
/// loopback connections, as a throwaway test server. Everything lives in one temporary directory, removed afterwards
/// unless <c>--keep-silo-dir</c>.
/// </summary>
internal sealed class ClusterHost : IAsyncDisposable
{
    private readonly string _directory;
    private readonly bool _keepDirectory;
    private readonly List<SiloHost> _silos = [];
    private EmbeddedPostgres? _postgres;

    private ClusterHost(string directory, bool keepDirectory)
    {
        _directory = directory;
        _keepDirectory = keepDirectory;
    }

    public IReadOnlyList<SiloHost> Silos => _silos;

    public static async Task<ClusterHost> StartAsync(int silos, string? siloDll, bool keepDirectory, CancellationToken cancellationToken)
    {
        var dll = siloDll ?? SiloHost.FindSiloDll();
        var directory = System.IO.Directory.CreateTempSubdirectory("orleanshub-load-").FullName;
        // PostgreSQL runs as the postgres user when we are root, and must reach its data directory in here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
        var cluster = new ClusterHost(directory, keepDirectory);
        try
        {
            cluster._postgres = await EmbeddedPostgres.StartAsync(
                new EmbeddedPostgresSettings { DataDirectory = Path.Combine(directory, "pg"), TrustLocalConnections = true },
                logger: null,
                cancellationToken);
            var database = await cluster._postgres.CreateDatabaseAsync("hub", cancellationToken);
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings__Hub"] = database,
                ["Orleans__SiloPort"] = "0",
                ["Orleans__ClusterId"] = "load-" + Guid.NewGuid().ToString("N")[..8],
                // One signing key for the cluster: a token issued by one silo is accepted by every other.
                ["Auth__SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            };
            // One at a time: the first applies the migrations, the others join its cluster.
            for (var i = 0; i < silos; i++)
            {
                var siloDirectory = System.IO.Directory.CreateDirectory(Path.Combine(directory, $"silo{i}")).FullName;
                cluster._silos.Add(await SiloHost.StartAsync(dll, siloDirectory, settings, cancellationToken));
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the silos (SIGTERM, all at once), then the database, then removes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_silos.Select(silo => silo.DisposeAsync().AsTask()));
        if (_postgres is not null)
        {
            await _postgres.StopAsync(_keepDirectory ? ShutdownMode.Fast : ShutdownMode.Immediate, CancellationToken.None);
        }
        if (!_keepDirectory)
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }
}
