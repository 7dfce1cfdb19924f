using OrleansHub.Execution.Sandbox;

namespace OrleansHub.Execution.Tests.Support;

/// <summary>
/// A fact that needs the local bubblewrap sandbox. Skipped with the probe's reason when it does not
/// work here (bubblewrap missing, user namespaces disabled), decided once per test process; with
/// <c>HUB_TEST_REQUIRE_SANDBOX=1</c> (or <c>CI=true</c>) it runs anyway and fails with that reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SandboxFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Failure = new(Probe);

    public SandboxFactAttribute()
    {
        if (!IsRequired && Failure.Value is { } reason)
        {
            Skip = "No local sandbox: " + reason + " (apt-get install bubblewrap)";
        }
    }

    private static bool IsRequired =>
        Environment.GetEnvironmentVariable("HUB_TEST_REQUIRE_SANDBOX") == "1"
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    // Attribute constructors cannot await; this runs once per test process, before any test.
    private static string? Probe()
    {
        var root = Directory.CreateTempSubdirectory("orleanshub-sandbox-probe-").FullName;
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            return ExecutionTestKit.SandboxExecutor(root).ProbeAsync(deadline.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
