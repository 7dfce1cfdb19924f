namespace OrleansHub.Silo.Tests.Support;

internal static class TemporaryDirectory
{
    /// <summary>
    /// A new directory under the temp path that other users may traverse: when the tests run as
    /// root, PostgreSQL runs as the postgres user and must reach data directories inside it.
    /// </summary>
    public static string Create(string prefix)
    {
        var path = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                       | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                                       | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return path;
    }
}
