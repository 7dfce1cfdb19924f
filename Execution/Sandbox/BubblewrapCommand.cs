using System.Diagnostics;
using System.Globalization;

namespace OrleansHub.Execution.Sandbox;

/// <summary>
/// The command line that puts one run into a bubblewrap sandbox (docs/execution.md, "Local sandbox").
/// Outside in: <c>setsid</c> (the run's process group, for the kill), <c>setpriv</c> when the silo is
/// root (bwrap must start as an ordinary host user: in a user namespace owned by root, RLIMIT_NPROC is
/// not enforced), <c>bwrap</c> (new user, pid, network, ipc, uts and cgroup namespaces; a read-only
/// view of /usr and a few /etc files; a private tmpfs /tmp and the run's folder at /work), then
/// <c>prlimit</c> inside, which sets the limits and execs the argv. Every step execs the next, so
/// the process the executor starts is bwrap itself.
/// </summary>
internal static class BubblewrapCommand
{
    /// <summary>Where the run's work folder appears inside the sandbox.</summary>
    public const string WorkMount = "/work";

    // Files a dynamically linked program or a shell may read; nothing with secrets (no shadow, no ssh).
    private static readonly string[] EtcFiles =
    [
        "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
        "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/localtime",
    ];

    // On merged-/usr systems these are links into /usr; elsewhere they are folders of their own.
    private static readonly string[] SystemFolders = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

    /// <summary>
    /// The start info of <paramref name="argv"/> in the sandbox, with <paramref name="workDirectory"/>
    /// as <c>/work</c>, <c>PATH</c>, <c>HOME=/work</c>, <c>TMPDIR=/tmp</c> and the run's variables only.
    /// </summary>
    public static ProcessStartInfo Build(
        ProcessStartInfo startInfo, SandboxExecutionOptions options, bool siloIsRoot, string workDirectory,
        IEnumerable<string> argv, IEnumerable<KeyValuePair<string, string>> environment)
    {
        var (uid, gid) = ParseUser(options.User);
        var args = startInfo.ArgumentList;
        args.Add("--");
        if (siloIsRoot)
        {
            args.Add(options.SetprivPath);
            args.Add("--reuid=" + uid);
            args.Add("--regid=" + gid);
            args.Add("--clear-groups");
            args.Add("--no-new-privs");
            args.Add("--");
        }

        args.Add(options.BwrapPath);
        Add(args, "--unshare-all", "--unshare-user", "--disable-userns", "--uid", uid, "--gid", gid);
        Add(args, "--die-with-parent", "--new-session", "--cap-drop", "ALL");
        Add(args, "--ro-bind", "/usr", "/usr");
        foreach (var folder in SystemFolders)
        {
            var info = new DirectoryInfo(folder);
            if (info.LinkTarget is { } target)
            {
                Add(args, "--symlink", target, folder);
            }
            else if (info.Exists)
            {
                Add(args, "--ro-bind", folder, folder);
            }
        }

        foreach (var file in EtcFiles)
        {
            Add(args, "--ro-bind-try", file, file);
        }

        Add(args, "--proc", "/proc", "--dev", "/dev");
        Add(args, "--size", Invariant(options.TmpfsBytes), "--perms", "1777", "--tmpfs", "/tmp");
        Add(args, "--bind", workDirectory, WorkMount, "--chdir", WorkMount);

        // bwrap's root is a tmpfs without a size limit: read-only, or it would be unmetered memory.
        Add(args, "--remount-ro", "/");
        Add(args, "--clearenv", "--setenv", "PATH", options.Path, "--setenv", "HOME", WorkMount, "--setenv", "TMPDIR", "/tmp");
        foreach (var (name, value) in environment)
        {
            Add(args, "--setenv", name, value);
        }

        args.Add("--");
        args.Add(options.PrlimitPath);
        args.Add("--as=" + Invariant(options.MemoryBytes));
        args.Add("--nproc=" + Invariant(options.ProcessLimit));
        args.Add("--cpu=" + Invariant(options.CpuSeconds));
        args.Add("--fsize=" + Invariant(options.FileSizeBytes));
        args.Add("--nofile=" + Invariant(options.OpenFilesLimit));
        args.Add("--core=0");
        args.Add("--");
        foreach (var argument in argv)
        {
            args.Add(argument);
        }

        // bwrap itself needs nothing from the environment; the sandbox gets its own above.
        startInfo.Environment["PATH"] = "/usr/bin:/bin";
        return startInfo;
    }

    /// <summary>The validated numeric uid and gid (the gid defaults to the uid).</summary>
    public static (string Uid, string Gid) ParseUser(string user)
    {
        var parts = user.Split(':');
        return (parts[0], parts.Length > 1 ? parts[1] : parts[0]);
    }

    private static void Add(IList<string> args, params string[] values)
    {
        foreach (var value in values)
        {
            args.Add(value);
        }
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
