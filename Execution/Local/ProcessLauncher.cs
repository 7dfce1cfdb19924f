using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansHub.Execution.Local;

/// <summary>
/// Starts run processes from one thread that lives as long as the silo. The sandbox asks the kernel to kill a run
/// when its parent goes (bwrap's <c>--die-with-parent</c>, PR_SET_PDEATHSIG), and Linux means the parent
/// <em>thread</em>: a process forked from a thread-pool thread is killed when that thread retires, a run lost for
/// no reason. Forked from this thread, a run dies with the silo and only then.
/// </summary>
internal static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started)> Requests = [];

    static ProcessLauncher()
    {
        var thread = new Thread(Serve) { IsBackground = true, Name = "OrleansHub run launcher" };
        thread.Start();
    }

    /// <summary>Starts the process on the launcher thread; fails with what <see cref="Process.Start(ProcessStartInfo)"/> throws.</summary>
    public static Task<Process> StartAsync(ProcessStartInfo startInfo)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((startInfo, started));
        return started.Task;
    }

    private static void Serve()
    {
        foreach (var (startInfo, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(startInfo) ?? throw new System.ComponentModel.Win32Exception("no process was started"));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }
}
