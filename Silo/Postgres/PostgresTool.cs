using System.ComponentModel;
using System.Diagnostics;

namespace OrleansHub.Silo.Postgres;

/// <summary>What a finished tool printed and returned.</summary>
internal sealed record ToolResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Runs the PostgreSQL command-line tools with bounded waits, capturing their output for error
/// messages. <c>initdb</c> refuses to run as root, so when this process is root every tool runs
/// as the <c>postgres</c> user through <c>runuser</c>.
/// </summary>
internal static class PostgresTool
{
    public const string ServiceUser = "postgres";

    /// <summary>True when this process runs as root and the tools must run as <see cref="ServiceUser"/>.</summary>
    public static bool RunAsServiceUser { get; } = IsEffectiveUidZero();

    /// <summary>Runs <paramref name="tool"/> (as the service user when root) and returns its exit code and output.</summary>
    public static Task<ToolResult> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsServiceUser
            ? RunDirectAsync("runuser", ["-u", ServiceUser, "--", tool, .. arguments], timeout, cancellationToken)
            : RunDirectAsync(tool, arguments, timeout, cancellationToken);

    /// <summary>Gives a directory this process created to the service user (no-op unless root).</summary>
    public static async Task GiveToServiceUserAsync(string path, CancellationToken cancellationToken)
    {
        if (!RunAsServiceUser)
        {
            return;
        }

        var result = await RunDirectAsync("chown", ["-R", $"{ServiceUser}:", path], TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"Could not give {path} to the '{ServiceUser}' user (initdb refuses to run as root): {OneLine(result.Output)}", result.Output);
        }
    }

    /// <summary>Runs a program as this process's user, killing it if it outlives <paramref name="timeout"/>.</summary>
    public static async Task<ToolResult> RunDirectAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Tool messages end up in exception messages: keep them in plain English.
        startInfo.Environment["LC_ALL"] = "C";

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new EmbeddedPostgresException($"Could not run {fileName}: {ex.Message}.", ex);
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            var output = string.Concat(await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false)).Trim();
            return new ToolResult(process.ExitCode, output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new EmbeddedPostgresException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>The last few meaningful lines of tool output, joined into one line for a log message.</summary>
    public static string OneLine(string output, int maxLines = 3)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tail = string.Join(" | ", lines.TakeLast(maxLines));
        return tail.Length == 0 ? "(no output)" : tail;
    }

    private static bool IsEffectiveUidZero()
    {
        // Environment.UserName falls back to $USER when the uid has no passwd entry (containers);
        // /proc tells the truth: "Uid: real effective saved filesystem".
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return false;
        }

        var uidLine = File.ReadLines(status).FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal));
        var fields = uidLine?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 2 } && fields[2] == "0";
    }
}
