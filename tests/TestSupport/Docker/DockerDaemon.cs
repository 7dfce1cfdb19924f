using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OrleansHub.TestSupport.Docker;

/// <summary>
/// One Docker engine per test process, started on first use: a private <c>dockerd</c> (vfs storage,
/// no bridge, no iptables) with its socket, data and state in a fresh temporary directory, the
/// sandbox image imported into it by deploy/sandbox/build-image.sh, stopped and removed when the
/// process exits (or by a watchdog when the process dies without exiting cleanly). Set
/// <c>HUB_TEST_DOCKER_SOCKET</c> to use an existing engine instead (the image is built there
/// when missing). When no engine can be had the reason is in <see cref="Availability"/> and
/// <see cref="DockerFactAttribute"/> tests are skipped with it.
/// </summary>
/// <remarks>
/// Synchronous on purpose: the decision is made in an attribute constructor during test
/// discovery, where nothing can be awaited.
/// </remarks>
public static class DockerDaemon
{
    /// <summary>Environment variable naming an existing engine's unix socket to use instead.</summary>
    public const string ExternalSocketVariable = "HUB_TEST_DOCKER_SOCKET";

    /// <summary>Set to 1 to fail (not skip) Docker tests when no engine can be had.</summary>
    public const string RequireVariable = "HUB_TEST_REQUIRE_DOCKER";

    public const string SandboxImage = "orleanshub/sandbox:1";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ImageTimeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<DockerAvailability> State = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static DockerAvailability Availability => State.Value;

    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>The engine's socket; throws with the reason when there is no engine.</summary>
    public static string SocketPath => Availability.SocketPath
        ?? throw new InvalidOperationException("No Docker engine for tests: " + Availability.Reason);

    private static DockerAvailability Start()
    {
        try
        {
            var external = Environment.GetEnvironmentVariable(ExternalSocketVariable);
            return string.IsNullOrWhiteSpace(external) ? StartPrivateEngine() : UseExternalEngine(external);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Win32Exception or InvalidOperationException)
        {
            return DockerAvailability.Unavailable(ex.Message);
        }
    }

    private static DockerAvailability UseExternalEngine(string socket)
    {
        if (!Ping(socket))
        {
            return DockerAvailability.Unavailable($"{ExternalSocketVariable}={socket} does not answer a ping");
        }

        var (imageCode, _, _) = DockerCli.Run(socket, TimeSpan.FromSeconds(30), "image", "inspect", SandboxImage);
        return imageCode == 0 ? DockerAvailability.At(socket) : PrepareImage(socket);
    }

    private static DockerAvailability StartPrivateEngine()
    {
        if (!OperatingSystem.IsLinux())
        {
            return DockerAvailability.Unavailable("dockerd runs on Linux only");
        }

        if (Environment.UserName != "root")
        {
            return DockerAvailability.Unavailable($"dockerd needs root (running as {Environment.UserName})");
        }

        var dockerd = FindProgram("dockerd");
        if (dockerd is null)
        {
            return DockerAvailability.Unavailable("dockerd is not installed (apt-get install docker.io)");
        }

        if (FindProgram("docker") is null)
        {
            return DockerAvailability.Unavailable("the docker client is not installed (apt-get install docker.io)");
        }

        // Short: a unix socket path is limited to 107 bytes.
        var root = Directory.CreateTempSubdirectory("ohd-").FullName;
        var socket = Path.Combine(root, "docker.sock");
        var pidFile = Path.Combine(root, "dockerd.pid");
        var log = Path.Combine(root, "dockerd.log");

        var startInfo = new ProcessStartInfo("sh") { UseShellExecute = false };
        // dockerd finds containerd and runc on PATH, which may lack the sbin directories.
        startInfo.Environment["PATH"] = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";
        foreach (var argument in (string[])[
            "-c", "exec \"$@\" >\"$0\" 2>&1 </dev/null", log, dockerd,
            "--host", "unix://" + socket,
            "--data-root", Path.Combine(root, "data"),
            "--exec-root", Path.Combine(root, "exec"),
            "--pidfile", pidFile,
            "--storage-driver", "vfs",
            "--iptables=false", "--ip-masq=false", "--ip-forward=false", "--bridge=none",
            "--userland-proxy=false", "--log-level", "warn"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using (var daemon = Process.Start(startInfo) ?? throw new InvalidOperationException("dockerd did not start"))
        {
            StartWatchdog(daemon.Id, root);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopNow(daemon.Id, root);

            var waited = Stopwatch.StartNew();
            while (!Ping(socket))
            {
                if (daemon.HasExited || waited.Elapsed > StartTimeout)
                {
                    var reason = daemon.HasExited ? "dockerd exited with code " + daemon.ExitCode : "dockerd did not answer within " + StartTimeout;
                    StopNow(daemon.Id, root);
                    return DockerAvailability.Unavailable(reason + ": " + Tail(log));
                }

                // Polling: dockerd offers nothing to await until its socket answers.
                Thread.Sleep(100);
            }
        }

        return PrepareImage(socket);
    }

    private static DockerAvailability PrepareImage(string socket)
    {
        var script = FindRepositoryFile("deploy/sandbox/build-image.sh");
        if (script is null)
        {
            return DockerAvailability.Unavailable("deploy/sandbox/build-image.sh not found above " + AppContext.BaseDirectory);
        }

        var (code, _, error) = DockerCli.RunProgram("bash", socket, ImageTimeout, script, SandboxImage);
        if (code != 0)
        {
            return DockerAvailability.Unavailable("building the sandbox image failed: " + error.Trim());
        }

        // Proves the engine can run a container at all here (cgroups, namespaces, runc).
        var (runCode, _, runError) = DockerCli.Run(socket, TimeSpan.FromSeconds(60), "run", "--rm", "--network", "none", SandboxImage, "true");
        return runCode == 0
            ? DockerAvailability.At(socket)
            : DockerAvailability.Unavailable("the engine cannot run containers here: " + runError.Trim());
    }

    /// <summary>A synchronous <c>GET /_ping</c> over the socket.</summary>
    private static bool Ping(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ReceiveTimeout = 5000;
            socket.SendTimeout = 5000;
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8);
            var buffer = new byte[512];
            var read = socket.Receive(buffer);
            var status = Encoding.ASCII.GetString(buffer, 0, read);
            return status.StartsWith("HTTP/1.", StringComparison.Ordinal) && status.Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Stops dockerd (TERM, then KILL), unmounts anything it left below its directory and removes
    // it. Run by the watchdog after the test process is gone, or synchronously at exit.
    private const string StopScript = """
        pid=$1; root=$2
        [ -d "$root" ] || exit 0
        # Only our dockerd: by now the pid may belong to another process.
        if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$root/"; then
            kill -TERM "$pid"
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.2; i=$((i+1)); done
            kill -KILL "$pid" 2>/dev/null
        fi
        for m in $(awk -v r="$root" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null; done
        rm -rf "$root"
        """;

    private const string WatchdogScript = """
        owner=$1; shift
        exec </dev/null >/dev/null 2>&1
        while kill -0 "$owner"; do sleep 1; done
        sh -c "$0" stop "$@"
        """;

    private static void StopNow(int pid, string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        try
        {
            var startInfo = new ProcessStartInfo("sh") { UseShellExecute = false };
            foreach (var argument in (string[])["-c", StopScript, "stop", pid.ToString(CultureInfo.InvariantCulture), root])
            {
                startInfo.ArgumentList.Add(argument);
            }

            using var stop = Process.Start(startInfo);
            stop?.WaitForExit(TimeSpan.FromSeconds(60));
        }
        catch (Win32Exception)
        {
            // The watchdog finishes the job.
        }
    }

    private static void StartWatchdog(int pid, string root)
    {
        var startInfo = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[
            "-f", "sh", "-c", WatchdogScript, StopScript,
            Environment.ProcessId.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture), root])
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var watchdog = Process.Start(startInfo);
        }
        catch (Win32Exception)
        {
            // No setsid: the ProcessExit handler alone has to do.
        }
    }

    private static string? FindProgram(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    internal static string? FindRepositoryFile(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Tail(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            return string.Join(" | ", lines.TakeLast(5));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}

/// <summary>Whether tests have a Docker engine, and if not, why.</summary>
public sealed record DockerAvailability(string? SocketPath, string? Reason)
{
    public bool IsAvailable => SocketPath is not null;

    public static DockerAvailability At(string socketPath) => new(socketPath, null);

    public static DockerAvailability Unavailable(string reason) => new(null, reason);
}
