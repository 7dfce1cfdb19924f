using System.Collections.Immutable;

namespace OrleansHub.Execution;

/// <summary>What to run. Validated by <see cref="RunSpecValidator"/> when a run starts.</summary>
/// <remarks>
/// <see cref="Command"/> is an argv: it is executed directly, never through a shell; a command
/// that wants shell syntax says so explicitly, e.g. <c>["sh", "-c", "echo a | wc -c"]</c>.
/// </remarks>
public sealed record RunSpec
{
    /// <summary>
    /// Identifies the run across restarts (the task id, or the task id plus an attempt number):
    /// 1 to 64 characters of <c>[A-Za-z0-9_.-]</c>, starting with a letter or digit.
    /// </summary>
    public required string RunId { get; init; }

    /// <summary>The program and its arguments; at least one element, none containing NUL.</summary>
    public required ImmutableArray<string> Command { get; init; }

    /// <summary>Container image (Docker executor only); null uses <c>Execution:Docker:DefaultImage</c>.</summary>
    public string? Image { get; init; }

    /// <summary>Environment variables added for the run; nothing of the host's environment leaks in.</summary>
    public ImmutableDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Wall-clock limit; null uses <c>Execution:DefaultTimeout</c>, and <c>Execution:MaxTimeout</c> caps it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Output bytes kept (both streams together); null uses <c>Execution:MaxOutputBytes</c>, which also caps it.</summary>
    public long? OutputCapBytes { get; init; }
}
