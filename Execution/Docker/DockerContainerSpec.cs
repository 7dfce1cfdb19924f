using System.Globalization;
using Docker.DotNet.Models;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// The Docker.DotNet parameters of <c>POST /containers/create</c> for a run: the command as an exact argv and the
/// sandbox every run gets. Why each setting is there: docs/execution.md ("Hardening").
/// </summary>
internal static class DockerContainerSpec
{
    /// <summary>Label carrying the run id; how runs are found again after a restart.</summary>
    public const string RunLabel = "orleanshub.run";

    /// <summary>Label with the run's deadline (Unix milliseconds), so a re-attach keeps the original timeout.</summary>
    public const string DeadlineLabel = "orleanshub.deadline";

    /// <summary>Label with the run's timeout in milliseconds, for the message of a re-attached run that times out.</summary>
    public const string TimeoutLabel = "orleanshub.timeout-ms";

    /// <summary>Label with the run's output cap in bytes.</summary>
    public const string OutputCapLabel = "orleanshub.output-cap";

    public static string ContainerName(string runId) => "orleanshub-run-" + runId;

    public static CreateContainerParameters Build(ResolvedRun run, string image, DockerExecutionOptions options, DateTimeOffset deadline)
    {
        var command = run.Spec.Command;
        var tmpfs = string.Create(CultureInfo.InvariantCulture, $"rw,noexec,nosuid,nodev,size={options.TmpfsBytes},mode=1777");

        // Docker.DotNet leaves false and zero out of the body, so Privileged, AutoRemove,
        // AttachStdin, OpenStdin, StdinOnce and Tty are not sent: the engine's default for each is
        // false, which is what a run needs
        // (DockerSandboxTests.TheEngineCreatesTheContainerWithEveryHardeningSetting inspects it).
        return new CreateContainerParameters
        {
            Name = ContainerName(run.RunId),
            Image = image,

            // The entrypoint is replaced by the program itself so that an image's ENTRYPOINT cannot
            // wrap (or shell-interpret) the argv.
            Entrypoint = [command[0]],
            Cmd = [.. command.Skip(1)],
            Env = [.. run.Spec.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key + "=" + e.Value)],
            User = options.User,
            WorkingDir = "/tmp",
            Hostname = "sandbox",
            AttachStdout = true,
            AttachStderr = true,
            NetworkDisabled = true,
            Labels = new Dictionary<string, string>
            {
                [RunLabel] = run.RunId,
                [DeadlineLabel] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                [TimeoutLabel] = ((long)run.Timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                [OutputCapLabel] = run.OutputCapBytes.ToString(CultureInfo.InvariantCulture),
            },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                Privileged = false,
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges"],
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string> { ["/tmp"] = tmpfs },
                ShmSize = Math.Min(options.TmpfsBytes, 64L * 1024 * 1024),
                IpcMode = "private",
                PidsLimit = options.PidsLimit,
                Memory = options.MemoryBytes,
                MemorySwap = options.MemoryBytes,
                NanoCPUs = options.NanoCpus,
                Ulimits =
                [
                    new Ulimit { Name = "nofile", Soft = options.OpenFilesLimit, Hard = options.OpenFilesLimit },
                    new Ulimit { Name = "core", Soft = 0, Hard = 0 },
                ],
                AutoRemove = false,
                RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.No },

                // Output is read from the attach stream; a log driver would copy untrusted output to disk.
                LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
            },
        };
    }
}
