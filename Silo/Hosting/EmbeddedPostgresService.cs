using Microsoft.Extensions.Options;
using OrleansHub.Silo.Postgres;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Runs the embedded PostgreSQL for the silo's lifetime, passwords required, and makes the application
/// role own the silo's database. Registered before the grain runtime, so it starts first and (hosted
/// services stop in reverse order) stops last.
/// </summary>
internal sealed class EmbeddedPostgresService(
    EmbeddedDatabase database,
    IOptions<SiloOptions> options,
    ILogger<EmbeddedPostgresService> logger) : IHostedService, IAsyncDisposable
{
    private EmbeddedPostgres? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = new EmbeddedPostgresSettings
        {
            DataDirectory = database.DataDirectory,
            BinDirectory = options.Value.PostgresBinDirectory,
            Port = database.Port,
        };
        _server = await EmbeddedPostgres.StartAsync(settings, logger, cancellationToken).ConfigureAwait(false);
        await _server.CreateApplicationDatabaseAsync(database.Name, database.Role, cancellationToken).ConfigureAwait(false);
    }

    // Stopping the database is not optional, so the host's shutdown token is not passed on;
    // pg_ctl's own timeout bounds the wait.
    public Task StopAsync(CancellationToken cancellationToken) => StopServerAsync();

    // The host does not call StopAsync when its start failed after this service started (say,
    // migrations failed); disposal still comes, and must not leave the server running.
    public async ValueTask DisposeAsync() => await StopServerAsync().ConfigureAwait(false);

    private Task StopServerAsync() => _server?.StopAsync(CancellationToken.None) ?? Task.CompletedTask;
}
