using OrleansHub.Silo.Postgres;

namespace OrleansHub.Silo.Hosting;

internal static class SiloDatabase
{
    public const string ConnectionStringName = "Hub";
    public const string EmbeddedDatabaseName = "orleanshub";

    /// <summary>
    /// Returns the connection string for the grain runtime: ConnectionStrings:Hub when set;
    /// otherwise registers the embedded PostgreSQL (on a free loopback port) and returns its
    /// address. Call before registering the runtime so the server starts first.
    /// </summary>
    public static string AddSiloDatabase(this WebApplicationBuilder builder)
    {
        var external = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external;
        }

        var embedded = new EmbeddedDatabase(EmbeddedPostgres.FindFreePort(), EmbeddedDatabaseName);
        builder.Services.AddSingleton(embedded);
        builder.Services.AddHostedService<EmbeddedPostgresService>();
        return embedded.ConnectionString;
    }

    public static IServiceCollection AddSiloOptions(this IServiceCollection services)
    {
        services.AddOptions<SiloOptions>()
            .BindConfiguration(SiloOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
