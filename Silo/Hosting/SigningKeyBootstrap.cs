using Microsoft.Extensions.Options;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Makes sure the API has an access-token signing key (<c>Auth:SigningKey</c>) before the host is built.
/// A configured key always wins. Without one, a silo on its embedded database (the developer default)
/// generates a key once and keeps it next to the data directory, so tokens survive restarts; any other
/// silo (external database, or an explicitly Production environment) refuses to start.
/// </summary>
public static partial class SigningKeyBootstrap
{
    public const string SigningKeySetting = "Auth:SigningKey";
    public const string KeyFileName = "signing-key";
    private const int KeyBytes = 32;

    public static WebApplicationBuilder AddSigningKey(this WebApplicationBuilder builder, ILogger log)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration[SigningKeySetting]))
        {
            return builder;
        }
        var embedded = string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(SiloDatabase.ConnectionStringName));
        if (!embedded || IsExplicitlyProduction(builder.Configuration))
        {
            throw Invalid(
                $"{SigningKeySetting} is required: set Auth__SigningKey to the base64 of at least {KeyBytes} random bytes "
                + "(e.g. `openssl rand -base64 32`). Only a silo on its embedded database outside Production generates one.");
        }

        // A blank data directory is reported by SiloOptions validation; no key file is needed to get there.
        var dataDirectory = builder.Configuration[$"{SiloOptions.Section}:DataDirectory"] ?? new SiloOptions().DataDirectory;
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            return builder;
        }
        var path = KeyFilePath(dataDirectory);
        builder.Configuration.AddInMemoryCollection([new(SigningKeySetting, LoadOrCreate(path))]);
        UsingKeyFile(log, path);
        return builder;
    }

    /// <summary>The key file of an embedded data directory: beside it, e.g. <c>.data/signing-key</c> for <c>.data/pg</c>.</summary>
    public static string KeyFilePath(string dataDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar))!, KeyFileName);

    /// <summary>Reads the key kept at <paramref name="path"/>, creating it (owner-only) the first time.</summary>
    public static string LoadOrCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(KeyBytes));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
            writer.WriteLine(key);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Made by an earlier start (or a silo starting beside this one): use it.
        }
        var stored = File.ReadAllText(path).Trim();
        var buffer = new byte[stored.Length];
        if (!Convert.TryFromBase64String(stored, buffer, out var length) || length < KeyBytes)
        {
            throw Invalid($"the signing key file {path} is not the base64 of at least {KeyBytes} bytes; delete it to get a new key (issued tokens stop working).");
        }
        return stored;
    }

    // The host's own default is Production; only an environment someone chose counts here, so that
    // `dotnet run --project Silo` on a developer machine works without setup.
    private static bool IsExplicitlyProduction(IConfiguration configuration) =>
        string.Equals(configuration[HostDefaults.EnvironmentKey], Environments.Production, StringComparison.OrdinalIgnoreCase);

    private static OptionsValidationException Invalid(string message) =>
        new(SigningKeySetting, typeof(SigningKeyBootstrap), [message]);

    [LoggerMessage(1, LogLevel.Information, "Access tokens are signed with the key kept in {Path}")]
    private static partial void UsingKeyFile(ILogger logger, string path);
}
