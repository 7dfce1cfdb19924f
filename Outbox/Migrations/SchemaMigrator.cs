using Orleans.Runtime;
using System.Reflection;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.Migrations;

/// <summary>
/// Applies embedded SQL migrations (resources named "sql/NNNN_name.sql") in name order, each once, each in
/// its own transaction, under an advisory lock so silos starting together do not race.
/// </summary>
internal sealed class SchemaMigrator(NpgsqlDataSource database, MigrationAssemblies assemblies, OutboxLog log)
{
    // Arbitrary constant shared by every OrleansHub process: "OHMIGRAT" in ASCII.
    private const long LockKey = 0x4F484D4947524154;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var scripts = LoadScripts();
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken).ConfigureAwait(false);
            var applied = await AppliedAsync(connection, cancellationToken).ConfigureAwait(false);
            foreach (var (name, sql) in scripts.Where(s => !applied.Contains(s.Name)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.Add(new() { Value = name });
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                log.MigrationApplied(name);
            }
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private List<(string Name, string Sql)> LoadScripts()
    {
        var scripts = new List<(string Name, string Sql)>();
        foreach (var assembly in assemblies.All.Distinct())
        {
            foreach (var resource in assembly.GetManifestResourceNames()
                .Where(r => r.StartsWith("sql/", StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal)))
            {
                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                scripts.Add((resource["sql/".Length..], reader.ReadToEnd()));
            }
        }
        var duplicate = scripts.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Migration '{duplicate.Key}' is embedded by more than one assembly.");
        }
        return [.. scripts.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static async Task<HashSet<string>> AppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT name FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Assemblies whose embedded "sql/*.sql" resources are migrations (the outbox's own, with Orleans' scripts, and the host's).</summary>
internal sealed class MigrationAssemblies(IReadOnlyList<Assembly> all)
{
    public IReadOnlyList<Assembly> All { get; } = all;
}

/// <summary>
/// Runs the migrations first thing when the silo starts, before Orleans' membership reads its table: the schema,
/// Orleans' tables included, is there before anything uses it; then moves the old runtime's reminders into Orleans'
/// (<see cref="LegacyReminderImport"/>). Skipped with <c>Outbox:ApplyMigrations=false</c>.
/// </summary>
internal sealed class MigrationsAtStart(SchemaMigrator migrator, LegacyReminderImport reminders, IOptions<OutboxOptions> options, OutboxLog log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MigrationsAtStart), ServiceLifecycleStage.First, async cancellationToken =>
        {
            if (options.Value.ApplyMigrations)
            {
                await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
                if (await reminders.ImportAsync(cancellationToken).ConfigureAwait(false) is > 0 and var moved)
                {
                    log.RemindersImported(moved);
                }
            }
        });
}
