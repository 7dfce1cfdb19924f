using Microsoft.Extensions.Logging;

namespace OrleansHub.Silo.Postgres;

/// <summary>
/// Creating a data directory with initdb: trust for the test support's throwaway server, otherwise
/// SCRAM with a generated superuser password that never sits in the data directory before initdb is done.
/// </summary>
internal sealed partial class EmbeddedPostgres
{
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromMinutes(2);

    private static async Task InitialiseIfNeededAsync(
        PostgresBinaries binaries, string dataDirectory, bool requiresPasswords, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new EmbeddedPostgresException(
                $"{dataDirectory} is neither empty nor a PostgreSQL data directory; empty it or choose another Silo:DataDirectory.");
        }

        Directory.CreateDirectory(dataDirectory);
        await PostgresTool.GiveToServiceUserAsync(dataDirectory, cancellationToken).ConfigureAwait(false);

        logger.InitialisingDataDirectory(dataDirectory, binaries.InitDb);
        if (!requiresPasswords)
        {
            await RunInitDbAsync(binaries, dataDirectory, ["-A", "trust"], cancellationToken).ConfigureAwait(false);
            return;
        }

        // initdb reads the superuser's password from a file its user can read; the data directory must
        // be empty for initdb, so that file lives in a private directory of its own until initdb is done.
        var password = PasswordFile.NewPassword();
        var scratch = Directory.CreateTempSubdirectory("orleanshub-initdb-").FullName;
        try
        {
            var passwordInput = Path.Combine(scratch, "password");
            PasswordFile.WriteOwnerOnly(passwordInput, password + "\n");
            await PostgresTool.GiveToServiceUserAsync(scratch, cancellationToken).ConfigureAwait(false);
            await RunInitDbAsync(binaries, dataDirectory, ["--auth=scram-sha-256", $"--pwfile={passwordInput}"], cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        PasswordFile.Write(PasswordFilePath(dataDirectory, Superuser), Superuser, password);
    }

    private static async Task RunInitDbAsync(PostgresBinaries binaries, string dataDirectory, string[] authentication, CancellationToken cancellationToken)
    {
        var result = await PostgresTool.RunAsync(
            binaries.InitDb,
            ["-D", dataDirectory, .. authentication, "-U", Superuser, "--encoding=UTF8", "--no-locale"],
            InitDbTimeout,
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"initdb failed for {dataDirectory} (exit code {result.ExitCode}): {PostgresTool.OneLine(result.Output)}", result.Output);
        }
    }
}
