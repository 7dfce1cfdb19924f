using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Silo.Postgres;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Turns the failures an operator can fix (configuration, PostgreSQL, the listening port) into
/// one line. Anything else is a bug and keeps its stack trace.
/// </summary>
internal static class StartupFailure
{
    public static string? Describe(Exception exception)
    {
        foreach (var candidate in Chain(exception))
        {
            var reason = candidate switch
            {
                EmbeddedPostgresException ex => ex.Message,
                OptionsValidationException ex => $"invalid configuration: {ex.Message}",

                // The binder's message names the key and the expected type, which is all one needs.
                InvalidOperationException ex when ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
                    $"invalid configuration: {ex.Message}",
                PostgresException ex => $"PostgreSQL refused the silo: {ex.MessageText} (SQLSTATE {ex.SqlState})",
                NpgsqlException ex => $"cannot reach PostgreSQL: {WithInnermost(ex)}",
                SocketException ex => $"cannot reach PostgreSQL: {ex.Message}",
                IOException ex when ex.InnerException is AddressInUseException => $"cannot listen: {ex.Message}",
                _ => null,
            };
            if (reason is not null)
            {
                return reason.ReplaceLineEndings(" ");
            }
        }

        return null;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Queue<Exception>([exception]);
        while (pending.TryDequeue(out var current))
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Enqueue(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Enqueue(inner);
            }
        }
    }

    private static string WithInnermost(Exception exception)
    {
        var innermost = exception.GetBaseException();
        return ReferenceEquals(innermost, exception) ? exception.Message : $"{exception.Message} ({innermost.Message})";
    }
}
