using System.Runtime.Versioning;

namespace OrleansHub.Execution.Tests.Support;

/// <summary>
/// A stand-in for the silo's data directory with a signing key in it, both world-readable, so that only the
/// run's view of the file system (sandbox or container) can hide them. Removed on dispose.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class SiloSecretStandIn : IDisposable
{
    /// <summary>What every secret's text starts with; no output line of a run may hold it.</summary>
    public const string Marker = "top-secret";

    /// <summary>The data directory's prefix under the temporary folder, for a glob that finds it.</summary>
    public const string DirectoryPrefix = "orleanshub-silo-data-";

    private SiloSecretStandIn(string dataDirectory, string secretFile)
    {
        DataDirectory = dataDirectory;
        SecretFile = secretFile;
    }

    /// <summary>The stand-in data directory (mode 755).</summary>
    public string DataDirectory { get; }

    /// <summary>The signing-key stand-in in it (mode 644).</summary>
    public string SecretFile { get; }

    public static async Task<SiloSecretStandIn> CreateAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        var secretFile = Path.Combine(dataDirectory, "signing-key");
        try
        {
            await File.WriteAllTextAsync(secretFile, Marker + "-" + Guid.NewGuid().ToString("N"), cancellationToken);
            File.SetUnixFileMode(secretFile, (UnixFileMode)0b110_100_100);
            File.SetUnixFileMode(dataDirectory, (UnixFileMode)0b111_101_101);
        }
        catch
        {
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }

        return new SiloSecretStandIn(dataDirectory, secretFile);
    }

    public void Dispose() => Directory.Delete(DataDirectory, recursive: true);
}
