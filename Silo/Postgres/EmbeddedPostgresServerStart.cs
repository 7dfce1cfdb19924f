using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// Starting the postmaster with pg_ctl on loopback only, and proving over TCP that it accepts
/// connections before anyone is handed a connection string.
/// </summary>
internal sealed partial class EmbeddedPostgres
{
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(15);

    private async Task StartServerAsync(int maxConnections, CancellationToken cancellationToken)
    {
        _logger.Starting(Port, DataDirectory);

        // The server log lives in the data directory (writable by the server's user); starting
        // afresh each time keeps it bounded and makes its tail this start's story.
        var logFile = Path.Combine(DataDirectory, "server.log");
        File.Delete(logFile);

        string[] serverOptions =
        [
            "-c listen_addresses=127.0.0.1",
            string.Create(CultureInfo.InvariantCulture, $"-p {Port}"),
            "-c unix_socket_directories=''",
            "-c password_encryption=scram-sha-256",
            string.Create(CultureInfo.InvariantCulture, $"-c max_connections={maxConnections}"),
            "-c shared_buffers=128MB",
            "-c fsync=on",
            "-c synchronous_commit=on",
        ];
        var result = await PostgresTool.RunAsync(
            _binaries.PgCtl,
            ["start", "-D", DataDirectory, "-l", logFile, "-w", "-t", "60", "-o", string.Join(' ', serverOptions)],
            PgCtlTimeout,
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var log = ReadTail(logFile);
            throw new EmbeddedPostgresException(
                $"PostgreSQL did not start on 127.0.0.1:{Port} from {DataDirectory}: {PostgresTool.OneLine(log.Length > 0 ? log : result.Output)}",
                $"{result.Output}\n{log}");
        }

        await WaitUntilAcceptingAsync(cancellationToken).ConfigureAwait(false);
        _logger.Started(Port);
    }

    // pg_ctl -w has already seen the postmaster report "ready"; this proves it over TCP with the
    // same kind of connection every client will make.
    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(AcceptTimeout);
        Exception? last = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                var connection = new NpgsqlConnection(BootstrapConnectionString);
                await using (connection.ConfigureAwait(false))
                {
                    await connection.OpenAsync(deadline.Token).ConfigureAwait(false);
                    return;
                }
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
            {
                // Waiting does not make a password right.
                throw new EmbeddedPostgresException(
                    $"PostgreSQL in {DataDirectory} refused the superuser: {ex.MessageText}. Its password file {SuperuserPasswordFile} "
                    + "does not match the server; restore the file, or move the data directory away to start afresh.", ex);
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException && !deadline.IsCancellationRequested)
            {
                last = ex;
                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new EmbeddedPostgresException(
            $"PostgreSQL started but did not accept connections on 127.0.0.1:{Port} within {AcceptTimeout.TotalSeconds:0} s: {last?.Message ?? "timed out"}");
    }

    private static string ReadTail(string file)
    {
        try
        {
            return string.Join('\n', File.ReadLines(file).TakeLast(20));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
