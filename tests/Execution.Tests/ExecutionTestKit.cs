using System.Collections.Immutable;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Docker;
using OrleansHub.Execution.Local;
using OrleansHub.Execution.Sandbox;
using OrleansHub.TestSupport.Docker;

namespace OrleansHub.Execution.Tests;

/// <summary>Executors, specs and a way to run one to its end, for the execution tests.</summary>
internal static class ExecutionTestKit
{
    /// <summary>Upper bound for any single test's waiting; a hang fails instead of blocking the run.</summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    public const string NoticePrefix = "[orleanshub] ";

    public static ExecutionOptions Options(Action<ExecutionOptions>? configure = null)
    {
        var options = new ExecutionOptions();
        configure?.Invoke(options);
        return options;
    }

    public static DockerTaskExecutor DockerExecutor(Action<ExecutionOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(o =>
        {
            o.Docker.Socket = DockerDaemon.SocketPath;
            o.Docker.DefaultImage = DockerDaemon.SandboxImage;
            configure?.Invoke(o);
        })), NullLogger<DockerTaskExecutor>.Instance, TimeProvider.System);

    public static DockerTaskExecutor DockerAt(string socket, Action<ExecutionOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(o =>
        {
            o.Docker.Socket = socket;
            configure?.Invoke(o);
        })), NullLogger<DockerTaskExecutor>.Instance, TimeProvider.System);

    public static LocalProcessExecutor LocalExecutor(string workRoot, Action<ExecutionOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(o =>
        {
            o.Local.WorkRoot = workRoot;
            configure?.Invoke(o);
        })), NullLogger<LocalProcessExecutor>.Instance, TimeProvider.System);

    public static BubblewrapExecutor SandboxExecutor(string workRoot, Action<ExecutionOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(o =>
        {
            o.Sandbox.WorkRoot = workRoot;
            configure?.Invoke(o);
        })), NullLogger<BubblewrapExecutor>.Instance, TimeProvider.System);

    public static string NewRunId() => "test-" + Guid.NewGuid().ToString("N")[..16];

    public static RunSpec Spec(params string[] command) => new() { RunId = NewRunId(), Command = [.. command] };

    public static RunSpec Shell(string script) => Spec("sh", "-c", script);

    public static CancellationTokenSource Deadline() => new(TestTimeout);

    /// <summary>Reads every line, then the result.</summary>
    public static async Task<RunOutput> ReadToEndAsync(IRunHandle handle, CancellationToken cancellationToken)
    {
        var lines = new List<OutputLine>();
        await foreach (var line in handle.Output.ReadAllAsync(cancellationToken))
        {
            lines.Add(line);
        }

        var result = await handle.Completion.WaitAsync(cancellationToken);
        return new RunOutput([.. lines], result);
    }

    public static async Task<RunOutput> RunAsync(ITaskExecutor executor, RunSpec spec, CancellationToken cancellationToken)
    {
        await using var handle = await executor.StartAsync(spec, cancellationToken);
        return await ReadToEndAsync(handle, cancellationToken);
    }

    /// <summary>Reads lines until one matches, failing if the output ends first.</summary>
    public static async Task<OutputLine> ReadUntilAsync(IRunHandle handle, Func<OutputLine, bool> match, CancellationToken cancellationToken)
    {
        await foreach (var line in handle.Output.ReadAllAsync(cancellationToken))
        {
            if (match(line))
            {
                return line;
            }
        }

        var result = await handle.Completion.WaitAsync(cancellationToken);
        Assert.Fail($"The output ended before the expected line; result: {result}");
        return null!;
    }
}

internal sealed record RunOutput(ImmutableArray<OutputLine> Lines, RunResult Result)
{
    public IEnumerable<string> Stdout => Lines.Where(l => l.Stream == OutputStream.Stdout).Select(l => l.Text);

    public IEnumerable<string> Stderr => Lines.Where(l => l.Stream == OutputStream.Stderr).Select(l => l.Text);

    public IEnumerable<OutputLine> Notices => Lines.Where(l => l.Text.StartsWith(ExecutionTestKit.NoticePrefix, StringComparison.Ordinal));

    /// <summary>Bytes of the run's own lines as the cap counts them (newline included), notices excluded.</summary>
    public long CountedBytes => Lines
        .Where(l => !l.Text.StartsWith(ExecutionTestKit.NoticePrefix, StringComparison.Ordinal))
        .Sum(l => Encoding.UTF8.GetByteCount(l.Text) + 1L);

    public override string ToString() =>
        $"{Result}; output:\n" + string.Join('\n', Lines.Take(40).Select(l => $"{l.Seq} {l.Stream}: {l.Text}"));
}
