using System.Text.RegularExpressions;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;

namespace OrleansHub.Grains.Tasks;

/// <summary>Limits on a task's command; all violations are reported together.</summary>
public static partial class TaskValidation
{
    public const int MaxArguments = 256;
    public const int MaxArgument = 8192;
    public const int MaxEnvironment = 64;
    public const int MaxEnvironmentValue = 8192;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex ImageReference();

    public static void Validate(CreateTask command, TaskRunOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (command.Command.IsDefaultOrEmpty || command.Command.Length > MaxArguments || string.IsNullOrEmpty(command.Command[0])
            || command.Command.Any(a => a is null || a.Length > MaxArgument || a.Contains('\0', StringComparison.Ordinal)))
        {
            errors["command"] = [$"1 to {MaxArguments} arguments, the first not empty, each at most {MaxArgument} characters, no NUL."];
        }
        if (command.Image is not null && !ImageReference().IsMatch(command.Image))
        {
            errors["image"] = ["Not a valid image reference."];
        }
        if (command.Environment.Count > MaxEnvironment || command.Environment.Any(e =>
            !EnvironmentName().IsMatch(e.Key) || e.Value is null || e.Value.Length > MaxEnvironmentValue || e.Value.Contains('\0', StringComparison.Ordinal)))
        {
            errors["env"] = [$"At most {MaxEnvironment} variables named like [A-Za-z_][A-Za-z0-9_]*, values at most {MaxEnvironmentValue} characters."];
        }
        if (command.TimeoutSeconds is { } timeout && (timeout < 1 || timeout > options.MaxTimeoutSeconds))
        {
            errors["timeout_seconds"] = [$"From 1 to {options.MaxTimeoutSeconds}."];
        }
        if (!TaskPriorities.IsValid(command.Priority))
        {
            errors["priority"] = ["One of low, medium, high."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }
}
