using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;

namespace OrleansHub.Outbox.Migrations;

/// <summary>
/// Moves the reminders of the home-made runtime (table <c>reminders</c>, migration 0001) into Orleans' reminder
/// table, once, when a silo of this version first starts on a database that has them: a pending order's timeout
/// and a running task's watchdog must not be lost by the upgrade. Each row becomes the Orleans reminder of the same
/// grain and name, first due when the old one was due, with the same period (keyed by this cluster's service id and
/// Orleans' hash of the grain id, as Orleans' ADO.NET reminder table stores them); imported rows are deleted in the
/// same transaction, so a second start finds nothing to do. A reminder Orleans already has is left as it is.
/// </summary>
internal sealed class LegacyReminderImport(NpgsqlDataSource database, IOptions<ClusterOptions> cluster)
{
    /// <summary>Imports what is there; returns how many reminders moved.</summary>
    public async Task<int> ImportAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('reminders') IS NOT NULL", connection, transaction))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return 0;
            }
        }
        var rows = new List<(string Type, string Key, string Name, DateTimeOffset DueAt, long PeriodMs)>();
        await using (var read = new NpgsqlCommand(
            "SELECT grain_type, grain_key, name, due_at, period_ms FROM reminders FOR UPDATE", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt64(4)));
            }
        }
        if (rows.Count == 0)
        {
            return 0;
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var row in rows)
        {
            var grainId = GrainId.Create(row.Type, row.Key);
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO orleansreminderstable (serviceid, grainid, remindername, starttime, period, grainhash, version)
                VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT DO NOTHING
                """);
            insert.Parameters.Add(new() { Value = cluster.Value.ServiceId });
            insert.Parameters.Add(new() { Value = grainId.ToString() });
            insert.Parameters.Add(new() { Value = row.Name });
            insert.Parameters.Add(new() { Value = row.DueAt });
            insert.Parameters.Add(new() { Value = row.PeriodMs });
            insert.Parameters.Add(new() { Value = unchecked((int)grainId.GetUniformHashCode()) });
            batch.BatchCommands.Add(insert);
        }
        batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM reminders"));
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows.Count;
    }
}
