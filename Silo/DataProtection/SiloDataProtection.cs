using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OrleansHub.Silo.DataProtection;

/// <summary>
/// ASP.NET Core DataProtection for a cluster of silos (issue 19): one application name, the key ring in
/// PostgreSQL (<see cref="PostgresXmlRepository"/>), key material encrypted at rest under a key derived from
/// the signing key (<see cref="SigningKeyXmlEncryptor"/>). Left to its defaults, each silo would keep its own
/// unencrypted keys in its user profile (or in memory) and log "No XML encryptor configured".
/// </summary>
public static class SiloDataProtection
{
    /// <summary>The application name every silo shares, so their protectors are compatible.</summary>
    public const string ApplicationName = "OrleansHub";

    /// <summary>
    /// Registers DataProtection over the <see cref="NpgsqlDataSource"/> in the container (the silo's database;
    /// its migrations create the table). Call after the grain runtime, so that its migrations have run when
    /// DataProtection loads the key ring at start.
    /// </summary>
    public static IServiceCollection AddSiloDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<KeyEncryptionKey>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new PostgresXmlRepository(provider.GetRequiredService<NpgsqlDataSource>());
            options.XmlEncryptor = new SigningKeyXmlEncryptor(provider.GetRequiredService<KeyEncryptionKey>());
        }));
        return services;
    }
}
