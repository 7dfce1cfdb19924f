using System.Text.Json;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Hosting;

/// <summary>
/// A runtime setting the silo ships with (Silo/OrleansHub.Silo.csproj), read from the runtimeconfig.json beside
/// the built silo that the process tests run.
/// </summary>
public sealed class SiloRuntimeConfigTests
{
    [Fact]
    public void IdleThreadPoolWorkersBlockInsteadOfSpinning()
    {
        // Spinning took most of an idle silo's CPU, and several silos on one host spun against each other
        // (docs/performance.md, "What an idle silo spends").
        var properties = ConfigProperties();

        Assert.True(
            properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit),
            "The silo's runtimeconfig.json does not set the thread pool's spin limit.");
        Assert.Equal(0, spinLimit.GetInt32());
    }

    private static JsonElement ConfigProperties()
    {
        var path = Path.ChangeExtension(SiloBuild.SiloDll, ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
