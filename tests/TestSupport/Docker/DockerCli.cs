using System.Diagnostics;
using System.Text;
using Xunit;

namespace OrleansHub.TestSupport.Docker;

/// <summary>
/// The docker command line against a given engine: an independent view for tests (is the
/// container really gone?) and a way to leave containers behind the way a dead silo would.
/// </summary>
public static class DockerCli
{
    public static (int ExitCode, string Output, string Error) Run(string socket, TimeSpan timeout, params string[] arguments) =>
        RunProgram("docker", socket, timeout, arguments);

    public static (int ExitCode, string Output, string Error) RunProgram(string program, string socket, TimeSpan timeout, params string[] arguments)
    {
        using var process = new Process { StartInfo = StartInfo(program, socket, arguments) };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, "", $"{program} {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        // Without a timeout, WaitForExit also waits for the output events to drain.
        process.WaitForExit();
        lock (output)
        {
            lock (error)
            {
                return (process.ExitCode, output.ToString(), error.ToString());
            }
        }
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string socket, CancellationToken cancellationToken, params string[] arguments)
    {
        using var process = Process.Start(StartInfo("docker", socket, arguments)) ?? throw new InvalidOperationException("docker did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Ids of all containers (any state) labelled with the run id.</summary>
    public static async Task<string[]> ContainersOfRunAsync(string socket, string runId, CancellationToken cancellationToken)
    {
        var (code, output, error) = await RunAsync(socket, cancellationToken, "ps", "--all", "--quiet", "--filter", "label=orleanshub.run=" + runId);
        Assert.True(code == 0, "docker ps failed: " + error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }

    private static ProcessStartInfo StartInfo(string program, string socket, string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.Environment["DOCKER_HOST"] = "unix://" + socket;
        startInfo.Environment["DOCKER_CLI_HINTS"] = "false";
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }
}
