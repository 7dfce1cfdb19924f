using System.Net.Sockets;
using Npgsql;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Problems;

/// <summary>
/// Recognises "the database is not there right now" anywhere in an exception's chain: a server shutting down
/// (<c>57P01</c> admin_shutdown, <c>57P02</c> crash_shutdown) or starting (<c>57P03</c> cannot_connect_now), a
/// connection that failed or broke (SQLSTATE class <c>08</c>, or no answer at all: refused, reset, timed out),
/// too many connections (<c>53300</c>), and our <see cref="StorageException"/> wrapping any of those. Orleans
/// delivers a storage failure of a grain wrapped in its own exceptions, so the whole chain is searched. Such a
/// request is a 503 with <c>Retry-After</c>, never a 500.
/// </summary>
internal static class DatabaseOutages
{
    public static bool IsOutage(Exception exception)
    {
        var seen = 0;
        for (Exception? current = exception; current is not null && seen < 16; seen++)
        {
            switch (current)
            {
                case PostgresException postgres when IsOutageState(postgres.SqlState):
                case StorageException storage when storage.SqlState is null || IsOutageState(storage.SqlState):
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException } and not PostgresException:
                case NpgsqlException { IsTransient: true } and not PostgresException:
                case SocketException:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsOutage);
            }
            current = current.InnerException;
        }
        return false;
    }

    private static bool IsOutageState(string? sqlState) => sqlState is { } state
        && (state.StartsWith("08", StringComparison.Ordinal)
            || state is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections);
}
