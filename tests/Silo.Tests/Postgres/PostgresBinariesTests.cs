using System.Runtime.Versioning;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Postgres;

// Executable bits and symbolic links: what the search looks at exists on Unix only.
[UnsupportedOSPlatform("windows")]
public sealed class PostgresBinariesTests : IDisposable
{
    private static readonly string[] AllTools = ["initdb", "pg_ctl", "postgres"];

    private readonly string _root = TemporaryDirectory.Create("orleanshub-binaries-test-");

    private string VersionedRoot => Path.Combine(_root, "usr-lib-postgresql");

    [Fact]
    public void TheHighestCompleteVersionUnderTheVersionedRootWins()
    {
        var v9 = Install(Path.Combine(VersionedRoot, "9.6", "bin"));
        var v15 = Install(Path.Combine(VersionedRoot, "15", "bin"));
        Install(Path.Combine(VersionedRoot, "16", "bin"), "initdb", "pg_ctl"); // no postgres: incomplete

        var found = PostgresBinaries.Find(binDirectory: null, searchPath: "", VersionedRoot);

        Assert.Equal(v15, found.Directory);
        Assert.NotEqual(v9, found.Directory);
    }

    [Fact]
    public void PathComesBeforeTheVersionedRoot()
    {
        Install(Path.Combine(VersionedRoot, "16", "bin"));
        var onPath = Install(Path.Combine(_root, "local-bin"));

        var found = PostgresBinaries.Find(binDirectory: null, searchPath: $"{Path.Combine(_root, "nothing-here")}:{onPath}", VersionedRoot);

        Assert.Equal(onPath, found.Directory);
    }

    [Fact]
    public void ALinkedInitdbLeadsToTheDirectoryHoldingAllThreeTools()
    {
        // Debian links initdb and pg_ctl, but not postgres, into /usr/local/bin.
        var real = Install(Path.Combine(_root, "real", "bin"));
        var links = Directory.CreateDirectory(Path.Combine(_root, "links")).FullName;
        File.CreateSymbolicLink(Path.Combine(links, "initdb"), Path.Combine(real, "initdb"));
        File.CreateSymbolicLink(Path.Combine(links, "pg_ctl"), Path.Combine(real, "pg_ctl"));

        var found = PostgresBinaries.Find(binDirectory: null, searchPath: links, VersionedRoot);

        Assert.Equal(real, found.Directory);
        Assert.Equal(Path.Combine(real, "pg_ctl"), found.PgCtl);
    }

    [Fact]
    public void FilesThatAreNotExecutableDoNotCount()
    {
        var directory = Install(Path.Combine(_root, "bin"));
        File.SetUnixFileMode(Path.Combine(directory, "postgres"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Throws<EmbeddedPostgresException>(() => PostgresBinaries.Find(binDirectory: null, searchPath: directory, VersionedRoot));
    }

    [Fact]
    public void AConfiguredDirectoryIsTheOnlyPlaceSearched()
    {
        var onPath = Install(Path.Combine(_root, "local-bin"));
        var configured = Directory.CreateDirectory(Path.Combine(_root, "configured")).FullName;

        var error = Assert.Throws<EmbeddedPostgresException>(() => PostgresBinaries.Find(configured, searchPath: onPath, VersionedRoot));

        Assert.Contains(configured, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingBinariesAreReportedInOneSentenceSayingWhereItLooked()
    {
        var error = Assert.Throws<EmbeddedPostgresException>(() => PostgresBinaries.Find(binDirectory: null, searchPath: "", VersionedRoot));

        Assert.StartsWith("PostgreSQL binaries not found: looked for initdb", error.Message, StringComparison.Ordinal);
        Assert.Contains("on PATH and under " + VersionedRoot, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Install(string directory, params string[] tools)
    {
        Directory.CreateDirectory(directory);
        foreach (var tool in tools.Length == 0 ? AllTools : tools)
        {
            var path = Path.Combine(directory, tool);
            File.WriteAllText(path, "#!/bin/sh\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return directory;
    }
}
