using OrleansHub.Silo.Postgres;

namespace OrleansHub.Silo.Hosting;

internal static class SiloDatabase
{
    public const string ConnectionStringName = "Hub";
    public const string EmbeddedDatabaseName = "orleanshub";

    /// <summary>The embedded database's owner, as which the silo connects: not a superuser (issue 19).</summary>
    public const string EmbeddedRoleName = "orleanshub_app";

    /// <summary>
    /// Returns the connection string for the grain runtime: ConnectionStrings:Hub when set;
    /// otherwise registers the embedded PostgreSQL (on a free loopback port) and returns its
    /// address, as the application role. Call before registering the runtime so the server starts first.
    /// </summary>
    public static string AddSiloDatabase(this WebApplicationBuilder builder)
    {
        var external = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external;
        }

        // A blank data directory is reported by SiloOptions validation before anything connects.
        var dataDirectory = builder.Configuration[$"{SiloOptions.Section}:DataDirectory"] ?? new SiloOptions().DataDirectory;
        var embedded = new EmbeddedDatabase(
            EmbeddedPostgres.FindFreePort(),
            string.IsNullOrWhiteSpace(dataDirectory) ? new SiloOptions().DataDirectory : dataDirectory,
            EmbeddedDatabaseName,
            EmbeddedRoleName);
        builder.Services.AddSingleton(embedded);
        builder.Services.AddHostedService<EmbeddedPostgresService>();
        return embedded.ConnectionString;
    }
}
