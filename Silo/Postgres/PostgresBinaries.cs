using System.Globalization;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// The directory holding <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>. Found in an explicit
/// directory when one is configured, otherwise on PATH, then under
/// <c>/usr/lib/postgresql/*/bin</c> (highest version first).
/// </summary>
internal sealed record PostgresBinaries(string Directory)
{
    public const string VersionedRoot = "/usr/lib/postgresql";

    private static readonly string[] Tools = ["initdb", "pg_ctl", "postgres"];

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public static PostgresBinaries Find(string? binDirectory) =>
        Find(binDirectory, Environment.GetEnvironmentVariable("PATH"), VersionedRoot);

    internal static PostgresBinaries Find(string? binDirectory, string? searchPath, string versionedRoot)
    {
        if (!string.IsNullOrWhiteSpace(binDirectory))
        {
            return InDirectory(binDirectory) ?? throw new EmbeddedPostgresException(
                $"PostgreSQL binaries not found: looked for initdb, pg_ctl and postgres in {binDirectory}; install postgresql or set ConnectionStrings__Hub.");
        }

        foreach (var directory in Candidates(searchPath, versionedRoot))
        {
            if (InDirectory(directory) is { } found)
            {
                return found;
            }
        }

        throw new EmbeddedPostgresException(
            $"PostgreSQL binaries not found: looked for initdb, pg_ctl and postgres on PATH and under {versionedRoot}/*/bin; install postgresql or set ConnectionStrings__Hub.");
    }

    private static IEnumerable<string> Candidates(string? searchPath, string versionedRoot)
    {
        foreach (var directory in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }

        if (!System.IO.Directory.Exists(versionedRoot))
        {
            yield break;
        }

        var versioned = System.IO.Directory.EnumerateDirectories(versionedRoot)
            .Select(path => (path, version: ParseVersion(Path.GetFileName(path))))
            .Where(candidate => candidate.version is not null)
            .OrderByDescending(candidate => candidate.version);
        foreach (var (path, _) in versioned)
        {
            yield return Path.Combine(path, "bin");
        }
    }

    // pg_ctl starts the postgres that sits next to its own real path, and Debian links initdb and
    // pg_ctl (not postgres) into /usr/local/bin. So follow initdb's link and require all three
    // tools in the directory it really lives in.
    private static PostgresBinaries? InDirectory(string directory)
    {
        var initDb = Path.Combine(directory, "initdb");
        if (!IsExecutable(initDb))
        {
            return null;
        }

        var real = new FileInfo(initDb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(initDb);
        var realDirectory = Path.GetDirectoryName(real)!;
        return Tools.All(tool => IsExecutable(Path.Combine(realDirectory, tool))) ? new PostgresBinaries(realDirectory) : null;
    }

    private static bool IsExecutable(string path)
    {
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & anyExecute) != 0);
    }

    private static Version? ParseVersion(string name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? new Version(major, 0)
        : Version.TryParse(name, out var version) ? version
        : null;
}
