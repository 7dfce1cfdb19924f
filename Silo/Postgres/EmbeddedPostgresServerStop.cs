using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// Stopping the postmaster with pg_ctl: this server at dispose, a server a killed process left running
/// from the same data directory, or one a watchdog process must stop after this one is gone.
/// </summary>
internal sealed partial class EmbeddedPostgres
{
    /// <summary>Stops the server (fast shutdown). Safe to call more than once.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopAsync(ShutdownMode.Fast, cancellationToken);

    /// <summary>Stops the server with the given mode. Safe to call more than once.</summary>
    public async Task StopAsync(ShutdownMode mode, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _logger.Stopping(Port);
        await StopServerAsync(_binaries, DataDirectory, mode, cancellationToken).ConfigureAwait(false);
        _logger.Stopped();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// The command line that stops this server, for a process that must outlive this one (the test
    /// support's watchdog).
    /// </summary>
    public IReadOnlyList<string> StopCommandLine(ShutdownMode mode)
    {
        string[] stop = [_binaries.PgCtl, .. StopArguments(DataDirectory, mode)];
        return PostgresTool.RunAsServiceUser ? ["runuser", "-u", PostgresTool.ServiceUser, "--", .. stop] : stop;
    }

    /// <summary>Stops whatever server runs from <paramref name="dataDirectory"/>; nothing if none does.</summary>
    public static Task StopServerAsync(string dataDirectory, string? binDirectory, ShutdownMode mode, CancellationToken cancellationToken) =>
        StopServerAsync(PostgresBinaries.Find(binDirectory), Path.GetFullPath(dataDirectory), mode, cancellationToken);

    // A silo killed with SIGKILL leaves its postmaster running (pg_ctl detaches it), and a machine
    // that crashed leaves a postmaster.pid whose pid may now belong to an unrelated process.
    private static async Task StopLeftoverServerAsync(PostgresBinaries binaries, string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var pid = ReadPid(pidFile);
        if (pid is { } running && IsPostgres(running))
        {
            logger.StoppingLeftoverServer(running, dataDirectory);
            await StopServerAsync(binaries, dataDirectory, ShutdownMode.Fast, cancellationToken).ConfigureAwait(false);
            return;
        }

        logger.RemovingStalePidFile(dataDirectory, pid);
        File.Delete(pidFile);
    }

    private static async Task StopServerAsync(PostgresBinaries binaries, string dataDirectory, ShutdownMode mode, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return;
        }

        var result = await PostgresTool.RunAsync(binaries.PgCtl, StopArguments(dataDirectory, mode), PgCtlTimeout, cancellationToken).ConfigureAwait(false);

        // pg_ctl fails when the server went away by itself in the meantime; only a server that is
        // still there is an error.
        if (!result.Succeeded && File.Exists(pidFile))
        {
            throw new EmbeddedPostgresException(
                $"pg_ctl stop failed for {dataDirectory} (exit code {result.ExitCode}): {PostgresTool.OneLine(result.Output)}", result.Output);
        }
    }

    private static string[] StopArguments(string dataDirectory, ShutdownMode mode) =>
        ["stop", "-D", dataDirectory, "-m", mode == ShutdownMode.Immediate ? "immediate" : "fast", "-w", "-t", "60"];

    private static int? ReadPid(string pidFile)
    {
        try
        {
            var first = File.ReadLines(pidFile).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsPostgres(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() is "postgres" or "postmaster";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
