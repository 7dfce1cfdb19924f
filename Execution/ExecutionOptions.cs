namespace OrleansHub.Execution;

/// <summary>Which executor runs tasks.</summary>
public enum ExecutionMode
{
    /// <summary>Docker when the engine at <c>Execution:Docker:Socket</c> answers a ping at start, else local.</summary>
    Auto,

    /// <summary>Always Docker; runs fail with a readable reason while the engine is unreachable.</summary>
    Docker,

    /// <summary>Always the local process executor (development; it is not a sandbox).</summary>
    Local,
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

/// <summary>Settings of <c>Execution:Local</c>, the process executor.</summary>
public sealed class LocalExecutionOptions
{
    /// <summary>Where per-run working directories are made. Default <c>$TMPDIR/orleanshub-runs</c>.</summary>
    public string? WorkRoot { get; set; }

    /// <summary><c>PATH</c> given to local runs. Default <c>/usr/local/bin:/usr/bin:/bin</c>.</summary>
    public string Path { get; set; } = "/usr/local/bin:/usr/bin:/bin";
}
