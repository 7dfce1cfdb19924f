using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;

namespace OrleansHub.Execution.Local;

/// <summary>
/// The per-run work folders under a work root. A folder's name says which process made it:
/// <c>ohrun-{pid}-{start}-{random}-{runId}</c>, where <c>start</c> is the process's start time in
/// clock ticks since boot (<c>/proc/{pid}/stat</c>, field 22), so a pid reused by a later process
/// (a silo that is pid 1 in its container every time) is not mistaken for the maker. A folder whose
/// maker no longer exists belongs to a run cut off by a kill and is removed at start; nothing else
/// under the root is ever touched (other names, files, links, folders of live processes).
/// </summary>
internal sealed partial class RunFolders(string root)
{
    private const string Prefix = "ohrun-";

    private static readonly Lazy<string> OwnTag = new(() =>
        Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + (StartTicks(Environment.ProcessId) ?? "0"));

    public string Root { get; } = root;

    /// <summary>Makes a fresh folder for <paramref name="runId"/>, readable by the silo's user only (0700).</summary>
    [SupportedOSPlatform("linux")]
    public string Create(string runId)
    {
        Directory.CreateDirectory(Root);
        var path = Path.Combine(Root, Prefix + OwnTag.Value + "-" + Guid.NewGuid().ToString("N")[..8] + "-" + runId);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Removes the folders of makers that no longer run; returns how many, and what could not be removed.</summary>
    [SupportedOSPlatform("linux")]
    public int RemoveLeftovers(out List<(string Path, string Error)> failures)
    {
        failures = [];
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        var removed = 0;
        var options = new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        foreach (var path in Directory.EnumerateDirectories(Root, Prefix + "*", options))
        {
            var match = FolderName().Match(Path.GetFileName(path));
            if (!match.Success || MakerIsAlive(match.Groups["pid"].Value, match.Groups["start"].Value))
            {
                continue;
            }

            if (Delete(path) is { } error)
            {
                failures.Add((path, error));
            }
            else
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Deletes a run's folder, also if the run left read-only folders in it; null when done, else why not.</summary>
    [SupportedOSPlatform("linux")]
    public static string? Delete(string path)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
                return null;
            }
            catch (DirectoryNotFoundException)
            {
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                if (attempt == 1)
                {
                    return ex.Message;
                }

                MakeWritable(path);
            }
        }

        return null;
    }

    private static bool MakerIsAlive(string pid, string start) =>
        int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && StartTicks(id) == start;

    // Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses.
    private static string? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [SupportedOSPlatform("linux")]
    private static void MakeWritable(string path)
    {
        try
        {
            var all = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            File.SetUnixFileMode(path, all);
            foreach (var directory in Directory.EnumerateDirectories(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false }))
            {
                File.SetUnixFileMode(directory, all);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The second delete attempt reports what is left.
        }
    }

    [GeneratedRegex("^ohrun-(?<pid>[0-9]{1,10})-(?<start>[0-9]{1,20})-[0-9a-f]{8}-[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex FolderName();
}
