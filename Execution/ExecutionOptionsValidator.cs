using Microsoft.Extensions.Options;

namespace OrleansHub.Execution;

/// <summary>Rejects settings that would weaken the sandbox or make runs unbounded.</summary>
internal sealed class ExecutionOptionsValidator : IValidateOptions<ExecutionOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutionOptions options)
    {
        var failures = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add(message);
            }
        }

        Check(options.Mode != ExecutionMode.Local,
            "Execution:Mode 'Local' was removed because it ran tasks unsandboxed as the silo's user: use 'Sandbox' (bubblewrap, the default without Docker) "
            + "or, for development only, 'UnsafeLocal'.");
        Check(Enum.IsDefined(options.Mode), "Execution:Mode must be Auto, Docker, Sandbox or UnsafeLocal.");
        Check(options.DefaultTimeout > TimeSpan.Zero, "Execution:DefaultTimeout must be positive.");
        Check(options.MaxTimeout >= options.DefaultTimeout, "Execution:MaxTimeout must be at least Execution:DefaultTimeout.");
        Check(options.MaxTimeout <= TimeSpan.FromDays(7), "Execution:MaxTimeout must be at most 7 days.");
        Check(options.MaxOutputBytes is >= 1024 and <= 1024L * 1024 * 1024, "Execution:MaxOutputBytes must be between 1 KiB and 1 GiB.");
        Check(options.MaxLineBytes is >= 80 and <= 1024 * 1024, "Execution:MaxLineBytes must be between 80 and 1 MiB.");
        Check(options.OutputBufferLines is >= 1 and <= 100_000, "Execution:OutputBufferLines must be between 1 and 100000.");
        Check(options.OutputDrainTimeout > TimeSpan.Zero, "Execution:OutputDrainTimeout must be positive.");

        var docker = options.Docker;
        Check(Path.IsPathFullyQualified(docker.Socket ?? ""), "Execution:Docker:Socket must be an absolute path.");
        Check(Version.TryParse(docker.ApiVersion, out _), "Execution:Docker:ApiVersion must look like 1.41.");
        Check(!string.IsNullOrWhiteSpace(docker.DefaultImage), "Execution:Docker:DefaultImage is required.");
        Check(IsNonRootUser(docker.User), "Execution:Docker:User must be a numeric non-root uid[:gid], e.g. 65534:65534.");
        Check(docker.MemoryBytes >= 6 * 1024 * 1024, "Execution:Docker:MemoryBytes must be at least 6 MiB (Docker's minimum).");
        Check(docker.NanoCpus > 0, "Execution:Docker:NanoCpus must be positive.");
        Check(docker.PidsLimit is >= 1 and <= 32768, "Execution:Docker:PidsLimit must be between 1 and 32768.");
        Check(docker.TmpfsBytes is >= 4096 and <= 1024L * 1024 * 1024, "Execution:Docker:TmpfsBytes must be between 4 KiB and 1 GiB.");
        Check(docker.OpenFilesLimit is >= 16 and <= 1_048_576, "Execution:Docker:OpenFilesLimit must be between 16 and 1048576.");
        Check(docker.RequestTimeout > TimeSpan.Zero, "Execution:Docker:RequestTimeout must be positive.");
        Check(docker.MaxResponseBytes is >= 4096 and <= 64 * 1024 * 1024, "Execution:Docker:MaxResponseBytes must be between 4 KiB and 64 MiB.");

        var local = options.Local;
        Check(local.WorkRoot is null || Path.IsPathFullyQualified(local.WorkRoot), "Execution:Local:WorkRoot must be an absolute path.");
        Check(!string.IsNullOrWhiteSpace(local.Path), "Execution:Local:Path is required.");

        var sandbox = options.Sandbox;
        Check(Path.IsPathFullyQualified(sandbox.BwrapPath ?? ""), "Execution:Sandbox:BwrapPath must be an absolute path.");
        Check(Path.IsPathFullyQualified(sandbox.SetprivPath ?? ""), "Execution:Sandbox:SetprivPath must be an absolute path.");
        Check(sandbox.PrlimitPath?.StartsWith("/usr/", StringComparison.Ordinal) == true,
            "Execution:Sandbox:PrlimitPath must be an absolute path under /usr (the only system folder the sandbox sees).");
        Check(sandbox.WorkRoot is null || Path.IsPathFullyQualified(sandbox.WorkRoot), "Execution:Sandbox:WorkRoot must be an absolute path.");
        Check(IsNonRootUser(sandbox.User), "Execution:Sandbox:User must be a numeric non-root uid[:gid], e.g. 65534:65534.");
        Check(!string.IsNullOrWhiteSpace(sandbox.Path), "Execution:Sandbox:Path is required.");
        Check(sandbox.MemoryBytes >= 16 * 1024 * 1024, "Execution:Sandbox:MemoryBytes must be at least 16 MiB (a shell needs that much address space).");
        Check(sandbox.ProcessLimit is >= 2 and <= 32768, "Execution:Sandbox:ProcessLimit must be between 2 and 32768.");
        Check(sandbox.CpuSeconds >= 1, "Execution:Sandbox:CpuSeconds must be at least 1.");
        Check(sandbox.FileSizeBytes >= 4096, "Execution:Sandbox:FileSizeBytes must be at least 4 KiB.");
        Check(sandbox.OpenFilesLimit is >= 16 and <= 1_048_576, "Execution:Sandbox:OpenFilesLimit must be between 16 and 1048576.");
        Check(sandbox.TmpfsBytes is >= 4096 and <= 1024L * 1024 * 1024, "Execution:Sandbox:TmpfsBytes must be between 4 KiB and 1 GiB.");
        Check(sandbox.ProbeTimeout > TimeSpan.Zero, "Execution:Sandbox:ProbeTimeout must be positive.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // Numeric only: a user name would be resolved inside the image, which may map it to root.
    private static bool IsNonRootUser(string? user)
    {
        if (string.IsNullOrEmpty(user))
        {
            return false;
        }

        var parts = user.Split(':');
        return parts.Length <= 2
               && parts.All(p => uint.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
               && uint.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) != 0
               && (parts.Length == 1 || uint.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) != 0);
    }
}
