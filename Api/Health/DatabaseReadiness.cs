using Npgsql;

namespace OrleansHub.Api.Health;

/// <summary>
/// Whether PostgreSQL answers <c>SELECT 1</c> within <see cref="Timeout"/>, for <c>/health/ready</c>. One check
/// serves every probe for <see cref="CacheFor"/> after it ends, and probes that arrive while it runs share it: a
/// probe storm (many load balancers, a tight loop) costs the database at most one query per period, and no more
/// than one connection is ever waiting on an unreachable server.
/// </summary>
internal sealed partial class DatabaseReadiness(NpgsqlDataSource database, TimeProvider clock, ILogger<DatabaseReadiness> logger)
{
    /// <summary>How long a check waits for the answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a finished check's result is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Task<bool>? _check;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    /// <summary>True when the database answered the current (or a fresh enough) check.</summary>
    public Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_check is null || (_check.IsCompleted && clock.GetUtcNow() - _checkedAt >= CacheFor))
            {
                _check = CheckAsync();
            }
            return _check.WaitAsync(cancellationToken);
        }
    }

    // Shared by every waiting probe, so it runs to its own timeout whatever happens to the request that started it.
    private async Task<bool> CheckAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(Timeout, clock);
            // Npgsql does not give up on a server that accepted the connection but never answers until its own
            // connect timeout (15 s by default); WaitAsync bounds the check anyway.
            await using var command = database.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token).WaitAsync(Timeout, clock, CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            NotReady(logger, ex.Message);
            return false;
        }
        finally
        {
            lock (_lock)
            {
                _checkedAt = clock.GetUtcNow();
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Not ready: PostgreSQL check failed: {Reason}")]
    private static partial void NotReady(ILogger logger, string reason);
}
