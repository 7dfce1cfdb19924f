using System.Globalization;

namespace OrleansHub.Silo.Tests.Support;

/// <summary>The inotify watches a Linux process holds, read from /proc (each one is a directory or file it is told about).</summary>
internal static class FileWatches
{
    public static int Count(int processId)
    {
        var watches = 0;
        foreach (var fd in Directory.EnumerateFiles($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed while we looked
            }
            if (target != "anon_inode:inotify")
            {
                continue;
            }
            var info = fd.Replace("/fd/", "/fdinfo/", StringComparison.Ordinal);
            watches += File.ReadLines(info).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
        }
        return watches;
    }
}
