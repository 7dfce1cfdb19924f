namespace OrleansHub.Execution;

/// <summary>Which executor runs tasks (docs/execution.md, "Selection").</summary>
public enum ExecutionMode
{
    /// <summary>
    /// Docker when the engine at <c>Execution:Docker:Socket</c> answers a ping at start, else the
    /// local bubblewrap sandbox when it passes its probe, else none (creating a task answers 503).
    /// </summary>
    Auto,

    /// <summary>Always Docker; runs fail with a readable reason while the engine is unreachable.</summary>
    Docker,

    /// <summary>Always the local bubblewrap sandbox; if it fails its probe at start, no executor (503).</summary>
    Sandbox,

    /// <summary>
    /// The local process executor, NOT a sandbox: commands run as the silo's user with its files and
    /// network. Only when named; a warning is logged at every start.
    /// </summary>
    UnsafeLocal,

    /// <summary>Removed (it ran tasks unsandboxed); rejected at start with a message naming Sandbox and UnsafeLocal.</summary>
    Local = 99,
}

/// <summary>Settings of the <c>Execution</c> section. See docs/execution.md.</summary>
public sealed class ExecutionOptions
{
    public const string SectionName = "Execution";

    /// <summary>Executor selection. Default <see cref="ExecutionMode.Auto"/>.</summary>
    public ExecutionMode Mode { get; set; } = ExecutionMode.Auto;

    /// <summary>Timeout of a run that names none. Default 10 minutes.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest timeout a run may ask for; longer ones are cut to this. Default 2 hours.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Output bytes kept per run (both streams) unless the run asks for less. Default 1 MiB.</summary>
    public long MaxOutputBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest line in UTF-8 bytes; longer lines are split. Default 8 KiB.</summary>
    public int MaxLineBytes { get; set; } = 8 * 1024;

    /// <summary>Lines buffered between the executor and the reader of a run's output. Default 256.</summary>
    public int OutputBufferLines { get; set; } = 256;

    /// <summary>How long to wait for the rest of the output once the command has exited. Default 5 seconds.</summary>
    public TimeSpan OutputDrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public DockerExecutionOptions Docker { get; set; } = new();

    public LocalExecutionOptions Local { get; set; } = new();

    public SandboxExecutionOptions Sandbox { get; set; } = new();
}

/// <summary>Settings of <c>Execution:Docker</c>: the engine and the sandbox every container gets.</summary>
public sealed class DockerExecutionOptions
{
    /// <summary>Unix socket of the Docker engine. Default <c>/var/run/docker.sock</c>.</summary>
    public string Socket { get; set; } = "/var/run/docker.sock";

    /// <summary>Engine API version used in request paths. Default <c>1.41</c> (Docker 20.10 and later).</summary>
    public string ApiVersion { get; set; } = "1.41";

    /// <summary>Image of runs that name none. Default <c>orleanshub/sandbox:1</c> (deploy/sandbox/build-image.sh).</summary>
    public string DefaultImage { get; set; } = "orleanshub/sandbox:1";

    /// <summary>User the command runs as; must not be root. Default <c>65534:65534</c> (nobody).</summary>
    public string User { get; set; } = "65534:65534";

    /// <summary>Memory limit in bytes (swap gets none on top). Default 256 MiB.</summary>
    public long MemoryBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>CPU limit in billionths of a CPU. Default 1 CPU.</summary>
    public long NanoCpus { get; set; } = 1_000_000_000;

    /// <summary>Most processes and threads the container may have. Default 64.</summary>
    public int PidsLimit { get; set; } = 64;

    /// <summary>Size of the writable tmpfs at <c>/tmp</c> (noexec). Default 16 MiB.</summary>
    public long TmpfsBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Open files limit inside the container. Default 1024.</summary>
    public int OpenFilesLimit { get; set; } = 1024;

    /// <summary>Limit of each engine request that is not a stream (create, start, kill, remove, list). Default 30 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest engine answer read (JSON bodies, errors); larger ones fail the request. Default 1 MiB.</summary>
    public int MaxResponseBytes { get; set; } = 1024 * 1024;
}

/// <summary>Settings of <c>Execution:Local</c>, the unsandboxed process executor (<see cref="ExecutionMode.UnsafeLocal"/>).</summary>
public sealed class LocalExecutionOptions
{
    /// <summary>Where per-run working directories are made. Default <c>$TMPDIR/orleanshub-runs</c>.</summary>
    public string? WorkRoot { get; set; }

    /// <summary><c>PATH</c> given to local runs. Default <c>/usr/local/bin:/usr/bin:/bin</c>.</summary>
    public string Path { get; set; } = "/usr/local/bin:/usr/bin:/bin";
}

/// <summary>
/// Settings of <c>Execution:Sandbox</c>, the local bubblewrap sandbox (docs/execution.md, "Local
/// sandbox"). The limits are rlimits of every process of a run (no cgroups needed); defaults match
/// the Docker executor's where it has the same limit.
/// </summary>
public sealed class SandboxExecutionOptions
{
    /// <summary>The bubblewrap binary (Debian package <c>bubblewrap</c>). Default <c>/usr/bin/bwrap</c>.</summary>
    public string BwrapPath { get; set; } = "/usr/bin/bwrap";

    /// <summary>util-linux <c>prlimit</c>, run inside the sandbox to set the limits; must be under <c>/usr</c>. Default <c>/usr/bin/prlimit</c>.</summary>
    public string PrlimitPath { get; set; } = "/usr/bin/prlimit";

    /// <summary>util-linux <c>setpriv</c>, used when the silo runs as root to leave root before bwrap starts. Default <c>/usr/bin/setpriv</c>.</summary>
    public string SetprivPath { get; set; } = "/usr/bin/setpriv";

    /// <summary>Where per-run work folders are made (mounted at <c>/work</c> inside). Default <c>$TMPDIR/orleanshub-sandbox</c>.</summary>
    public string? WorkRoot { get; set; }

    /// <summary>
    /// Numeric uid:gid the command runs as inside the sandbox; must not be root. When the silo runs
    /// as root it is also the host user the sandbox runs as. Default <c>65534:65534</c> (nobody).
    /// </summary>
    public string User { get; set; } = "65534:65534";

    /// <summary><c>PATH</c> inside the sandbox. Default <c>/usr/local/bin:/usr/bin:/bin</c>.</summary>
    public string Path { get; set; } = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>Address space of each process (RLIMIT_AS), in bytes. Default 256 MiB, as <c>Execution:Docker:MemoryBytes</c>.</summary>
    public long MemoryBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most processes and threads of the run (RLIMIT_NPROC, counted in the run's own user namespace). Default 64, as <c>Execution:Docker:PidsLimit</c>.</summary>
    public int ProcessLimit { get; set; } = 64;

    /// <summary>CPU seconds of each process (RLIMIT_CPU). Default 600.</summary>
    public int CpuSeconds { get; set; } = 600;

    /// <summary>Largest file a run may write (RLIMIT_FSIZE), in bytes. Default 64 MiB.</summary>
    public long FileSizeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Open files of each process (RLIMIT_NOFILE). Default 1024, as <c>Execution:Docker:OpenFilesLimit</c>.</summary>
    public int OpenFilesLimit { get; set; } = 1024;

    /// <summary>Size of the private tmpfs at <c>/tmp</c>. Default 16 MiB, as <c>Execution:Docker:TmpfsBytes</c>.</summary>
    public long TmpfsBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How long the start-up probe (a <c>true</c> run in the sandbox) may take. Default 10 seconds.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
