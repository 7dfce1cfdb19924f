using Xunit;

namespace OrleansHub.TestSupport.Docker;

/// <summary>
/// A fact that needs a Docker engine (<see cref="DockerDaemon"/>). Skipped with the reason when
/// none can be had, decided once per test process; with <c>HUB_TEST_REQUIRE_DOCKER=1</c> it runs
/// anyway and fails with that reason instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (!DockerDaemon.IsRequired && DockerDaemon.Availability is { IsAvailable: false } availability)
        {
            Skip = "No Docker engine: " + availability.Reason;
        }
    }
}
