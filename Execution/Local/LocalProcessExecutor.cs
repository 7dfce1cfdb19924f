using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansHub.Execution.Local;

/// <summary>
/// <c>Execution:Mode=UnsafeLocal</c>, only when an operator names it: runs the argv directly (no
/// shell) as a process group of its own. It is NOT a sandbox: the command runs as the silo's user
/// with the silo's network and file access (the signing key, the embedded database). For
/// development machines only; the selection logs a warning at every start.
/// </summary>
public sealed class LocalProcessExecutor(IOptions<ExecutionOptions> options, ILogger<LocalProcessExecutor> logger, TimeProvider clock)
    : ProcessExecutor(options.Value, options.Value.Local.WorkRoot ?? Path.Combine(Path.GetTempPath(), "orleanshub-runs"), logger, clock)
{
    public override string Name => "unsafe-local";

    private protected override ProcessStartInfo StartInfo(ResolvedRun run, string workDirectory)
    {
        var startInfo = Redirected("setsid", workDirectory);
        startInfo.ArgumentList.Add("--");
        foreach (var argument in run.Spec.Command)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PATH"] = Options.Local.Path;
        startInfo.Environment["HOME"] = workDirectory;
        startInfo.Environment["TMPDIR"] = workDirectory;
        foreach (var (name, value) in run.Spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }
}
