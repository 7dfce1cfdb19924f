using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace OrleansHub.Execution;

/// <summary>A spec with the executor's defaults and limits applied.</summary>
internal sealed record ResolvedRun(RunSpec Spec, TimeSpan Timeout, long OutputCapBytes)
{
    public string RunId => Spec.RunId;
}

/// <summary>
/// Checks a <see cref="RunSpec"/> before anything runs. Run ids end up in paths, container names
/// and label filters, and every string ends up in an argv or environment block, so the rules are
/// strict rather than escaped.
/// </summary>
internal static partial class RunSpecValidator
{
    public const int MaxArguments = 1024;
    public const int MaxArgumentChars = 128 * 1024;
    public const int MaxEnvironmentVariables = 256;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex RunIdPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentNamePattern();

    // Docker reference syntax, loosely: registry/name:tag@digest without spaces or control characters.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex ImagePattern();

    public static bool IsValidRunId(string? runId) => runId is not null && RunIdPattern().IsMatch(runId);

    public static void ThrowIfInvalidRunId(string? runId, string paramName)
    {
        if (!IsValidRunId(runId))
        {
            throw new ArgumentException("A run id is 1 to 64 characters of [A-Za-z0-9_.-] starting with a letter or digit.", paramName);
        }
    }

    public static ResolvedRun Resolve(RunSpec spec, ExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ThrowIfInvalidRunId(spec.RunId, nameof(spec));

        var command = spec.Command;
        if (command.IsDefaultOrEmpty || command.Length > MaxArguments)
        {
            throw new ArgumentException($"A command has 1 to {MaxArguments} arguments.", nameof(spec));
        }

        if (string.IsNullOrEmpty(command[0]))
        {
            throw new ArgumentException("The program (the command's first element) must not be empty.", nameof(spec));
        }

        if (command.Any(a => a is null || a.Length > MaxArgumentChars || a.Contains('\0', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Command arguments must be non-null, at most {MaxArgumentChars} characters and free of NUL.", nameof(spec));
        }

        if (spec.Image is not null && !ImagePattern().IsMatch(spec.Image))
        {
            throw new ArgumentException("The image is not a valid image reference.", nameof(spec));
        }

        var environment = spec.Environment ?? ImmutableDictionary<string, string>.Empty;
        if (environment.Count > MaxEnvironmentVariables)
        {
            throw new ArgumentException($"At most {MaxEnvironmentVariables} environment variables.", nameof(spec));
        }

        foreach (var (name, value) in environment)
        {
            if (!EnvironmentNamePattern().IsMatch(name) || value is null || value.Length > MaxArgumentChars || value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Environment variable '{Truncate(name)}' needs a name like [A-Za-z_][A-Za-z0-9_]* and a value free of NUL.", nameof(spec));
            }
        }

        if (spec.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The timeout must be positive.", nameof(spec));
        }

        if (spec.OutputCapBytes is { } cap && cap <= 0)
        {
            throw new ArgumentException("The output cap must be positive.", nameof(spec));
        }

        var effectiveTimeout = spec.Timeout ?? options.DefaultTimeout;
        if (effectiveTimeout > options.MaxTimeout)
        {
            effectiveTimeout = options.MaxTimeout;
        }

        var effectiveCap = Math.Min(spec.OutputCapBytes ?? options.MaxOutputBytes, options.MaxOutputBytes);
        return new ResolvedRun(spec with { Environment = environment }, effectiveTimeout, effectiveCap);
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40] + "...";
}
