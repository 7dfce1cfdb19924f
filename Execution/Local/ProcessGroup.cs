using System.Runtime.InteropServices;

namespace OrleansHub.Execution.Local;

/// <summary>
/// Signals to a POSIX process group. A local run is started through <c>setsid</c>, which makes its
/// process the leader of a new session and process group with the same id as its pid, so
/// everything it spawns (and does not move elsewhere on purpose) is reached by one kill.
/// </summary>
internal static class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>SIGKILL to the group <paramref name="leaderPid"/> leads, and to the leader itself in
    /// case it has not called setsid yet. Returns true when the group existed.</summary>
    public static bool Kill(int leaderPid)
    {
        // Never -1 or 0: kill(-1) is every process we may signal, kill(0) our own group.
        if (leaderPid <= 1)
        {
            return false;
        }

        var group = NativeMethods.kill(-leaderPid, SigKill) == 0;
        NativeMethods.kill(leaderPid, SigKill);
        return group;
    }

    /// <summary>True while any process of the group is left (zombies included).</summary>
    public static bool Exists(int leaderPid) => leaderPid > 1 && NativeMethods.kill(-leaderPid, 0) == 0;

    // DllImport rather than LibraryImport: the generated marshaller needs AllowUnsafeBlocks for
    // the whole project, and two ints need no marshalling.
    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int kill(int pid, int signal);
    }
}
