using OrleansHub.Silo.Postgres;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// The embedded server's port, data directory, database and application role, fixed when services are
/// registered: the runtime takes its connection string then, before the server exists. The string names
/// the role's password file rather than holding the password, which is generated at the first start.
/// </summary>
internal sealed record EmbeddedDatabase(int Port, string DataDirectory, string Name, string Role)
{
    public string ConnectionString =>
        EmbeddedPostgres.ConnectionStringFor(Port, Name, Role, EmbeddedPostgres.PasswordFilePath(DataDirectory, Role));
}
