using System.Reflection;

namespace OrleansHub.Silo.Tests.Support;

/// <summary>Where the built silo and the dotnet host are.</summary>
internal static class SiloBuild
{
    private const string SiloDllName = "OrleansHub.Silo.dll";

    /// <summary>
    /// The silo's entry assembly: <c>HUB_SILO_DLL</c> when set; else the copy the project reference
    /// puts next to the tests (with its runtimeconfig and deps files, so it runs from there); else
    /// <c>Silo/bin/&lt;Configuration&gt;/&lt;tfm&gt;/</c> under the repository root.
    /// </summary>
    public static string SiloDll { get; } = FindSiloDll();

    /// <summary>The dotnet executable running these tests, so the silo runs on the same runtime.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath) ? hostPath
        : Environment.ProcessPath is { } processPath && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath
        : "dotnet";

    private static string FindSiloDll()
    {
        if (Environment.GetEnvironmentVariable("HUB_SILO_DLL") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"HUB_SILO_DLL points at {configured}, which does not exist.");
        }

        var beside = Path.Combine(AppContext.BaseDirectory, SiloDllName);
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        var configuration = typeof(SiloBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var framework = new DirectoryInfo(AppContext.BaseDirectory).Name;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansHub.sln")))
            {
                var built = Path.Combine(directory.FullName, "Silo", "bin", configuration, framework, SiloDllName);
                return File.Exists(built) ? built : throw new FileNotFoundException($"The silo is not built: {built} does not exist.");
            }
        }

        throw new FileNotFoundException($"Could not find {SiloDllName} beside the tests or under the repository root; set HUB_SILO_DLL.");
    }
}
