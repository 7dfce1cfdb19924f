using OrleansHub.Silo.Postgres;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// The embedded server's port and database, fixed when services are registered: the runtime
/// takes its connection string then, before the server exists.
/// </summary>
internal sealed record EmbeddedDatabase(int Port, string Name)
{
    public string ConnectionString => EmbeddedPostgres.ConnectionStringFor(Port, Name);
}
