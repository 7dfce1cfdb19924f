using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansHub.Execution.Docker;

/// <summary>
/// The body of <c>POST /containers/create</c> for a run: the command as an exact argv and the
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

    public static JsonObject Build(ResolvedRun run, string image, DockerExecutionOptions options, DateTimeOffset deadline)
    {
        var command = run.Spec.Command;

        // The entrypoint is replaced by the program itself so that an image's ENTRYPOINT cannot
        // wrap (or shell-interpret) the argv.
        var entrypoint = new JsonArray(command[0]);
        var arguments = new JsonArray(command.Skip(1).Select(a => (JsonNode?)JsonValue.Create(a)).ToArray());
        var environment = new JsonArray(run.Spec.Environment
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (JsonNode?)JsonValue.Create(e.Key + "=" + e.Value))
            .ToArray());

        var tmpfs = string.Create(CultureInfo.InvariantCulture, $"rw,noexec,nosuid,nodev,size={options.TmpfsBytes},mode=1777");
        return new JsonObject
        {
            ["Image"] = image,
            ["Entrypoint"] = entrypoint,
            ["Cmd"] = arguments,
            ["Env"] = environment,
            ["User"] = options.User,
            ["WorkingDir"] = "/tmp",
            ["Hostname"] = "sandbox",
            ["AttachStdin"] = false,
            ["AttachStdout"] = true,
            ["AttachStderr"] = true,
            ["OpenStdin"] = false,
            ["StdinOnce"] = false,
            ["Tty"] = false,
            ["NetworkDisabled"] = true,
            ["Labels"] = new JsonObject
            {
                [RunLabel] = run.RunId,
                [DeadlineLabel] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                [TimeoutLabel] = ((long)run.Timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                [OutputCapLabel] = run.OutputCapBytes.ToString(CultureInfo.InvariantCulture),
            },
            ["HostConfig"] = new JsonObject
            {
                ["NetworkMode"] = "none",
                ["Privileged"] = false,
                ["CapDrop"] = new JsonArray("ALL"),
                ["SecurityOpt"] = new JsonArray("no-new-privileges"),
                ["ReadonlyRootfs"] = true,
                ["Tmpfs"] = new JsonObject { ["/tmp"] = tmpfs },
                ["ShmSize"] = Math.Min(options.TmpfsBytes, 64L * 1024 * 1024),
                ["IpcMode"] = "private",
                ["PidsLimit"] = options.PidsLimit,
                ["Memory"] = options.MemoryBytes,
                ["MemorySwap"] = options.MemoryBytes,
                ["NanoCpus"] = options.NanoCpus,
                ["Ulimits"] = new JsonArray(
                    new JsonObject { ["Name"] = "nofile", ["Soft"] = options.OpenFilesLimit, ["Hard"] = options.OpenFilesLimit },
                    new JsonObject { ["Name"] = "core", ["Soft"] = 0, ["Hard"] = 0 }),
                ["AutoRemove"] = false,
                ["RestartPolicy"] = new JsonObject { ["Name"] = "no" },
                // Output is read from the attach stream; a log driver would copy untrusted output to disk.
                ["LogConfig"] = new JsonObject { ["Type"] = "none", ["Config"] = new JsonObject() },
            },
        };
    }
}
