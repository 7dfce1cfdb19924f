using System.Globalization;

namespace OrleansHub.Execution.Tests.Support;

/// <summary>Finds host processes by a marker in their command line (<c>/proc/*/cmdline</c>), zombies excluded.</summary>
internal static class ProcessScan
{
    public static List<int> Find(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var state = stat[stat.LastIndexOf(')') + 2];
                if (commandLine.Contains(marker, StringComparison.Ordinal) && state is not ('Z' or 'X'))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }

    /// <summary>
    /// The marked processes still alive after the kernel had a moment to finish a kill: the pid
    /// namespace's teardown is asynchronous to bwrap's exit. Polls (there is no signal to await for
    /// another process tree's end) and returns what is left after 5 seconds.
    /// </summary>
    public static async Task<List<int>> WaitUntilGoneAsync(string marker, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (Find(marker) is { Count: 0 } none)
            {
                return none;
            }

            await Task.Delay(100, cancellationToken);
        }

        return Find(marker);
    }
}
