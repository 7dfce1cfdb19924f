using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Runtime.Persistence;

/// <summary>
/// Grain state rows and the outbox. A write is one call of hub_write_state (deploy/sql/runtime): state and
/// events commit together, and a version mismatch raises SQLSTATE OHETG (InconsistentStateException).
/// </summary>
internal sealed class GrainStateStore(NpgsqlDataSource database)
{
    private const string EtagMismatch = "OHETG";

    public async Task<(string Json, long Version)?> ReadAsync(GrainId id, string stateName, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT state::text, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3");
        command.Parameters.Add(new() { Value = id.Type });
        command.Parameters.Add(new() { Value = id.Key });
        command.Parameters.Add(new() { Value = stateName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return (reader.GetString(0), reader.GetInt64(1));
    }

    public async Task<WriteResult> WriteAsync(
        GrainId id,
        string stateName,
        string stateJson,
        long? expectedVersion,
        IReadOnlyList<StreamEvent> events,
        IReadOnlyList<IndexUpdate> indexUpdates,
        JsonSerializerOptions json,
        CancellationToken cancellationToken)
    {
        var streams = new string[events.Count];
        var types = new string[events.Count];
        var data = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            streams[i] = events[i].Stream.ToString();
            types[i] = events[i].Type;
            data[i] = JsonSerializer.Serialize(events[i].Data, events[i].Data.GetType(), json);
        }
        var write = new NpgsqlBatchCommand("SELECT new_version, event_seqs FROM hub_write_state($1, $2, $3, $4, $5, $6, $7, $8, $9)");
        write.Parameters.Add(new() { Value = id.Type });
        write.Parameters.Add(new() { Value = id.Key });
        write.Parameters.Add(new() { Value = stateName });
        write.Parameters.Add(new() { Value = stateJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        write.Parameters.Add(new() { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        write.Parameters.Add(new() { Value = streams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        write.Parameters.Add(new() { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        write.Parameters.Add(new() { Value = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        var createdAt = DateTimeOffset.UtcNow;
        write.Parameters.Add(new() { Value = createdAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });

        // One batch, one round trip. Without an explicit transaction Npgsql runs a batch as one implicit
        // transaction: if any statement fails, none of them commits (tested in PersistenceTests).
        await using var batch = database.CreateBatch();
        batch.BatchCommands.Add(write);
        foreach (var update in indexUpdates)
        {
            var command = new NpgsqlBatchCommand(update.Sql);
            foreach (var parameter in update.Parameters)
            {
                command.Parameters.Add(new() { Value = parameter ?? DBNull.Value });
            }
            batch.BatchCommands.Add(command);
        }
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var version = reader.GetInt64(0);
            var seqs = reader.GetFieldValue<long[]>(1);
            var stored = new StoredStreamEvent[events.Count];
            for (var i = 0; i < events.Count; i++)
            {
                stored[i] = new StoredStreamEvent(events[i].Stream, seqs[i], types[i], data[i], createdAt);
            }
            var result = new WriteResult(version, stored);
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                // drain the index statements' results so their errors surface here
            }
            return result;
        }
        catch (PostgresException exception) when (exception.SqlState == EtagMismatch)
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of {id} was written by someone else (expected version {expectedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).",
                exception);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new DuplicateIndexEntryException($"Index entry already exists ({exception.ConstraintName}).", exception)
            {
                ConstraintName = exception.ConstraintName,
            };
        }
    }

    public async Task ClearAsync(GrainId id, string stateName, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "DELETE FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4");
        command.Parameters.Add(new() { Value = id.Type });
        command.Parameters.Add(new() { Value = id.Key });
        command.Parameters.Add(new() { Value = stateName });
        command.Parameters.Add(new() { Value = expectedVersion });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new InconsistentStateException($"State '{stateName}' of {id} was changed by someone else before it was cleared.");
        }
    }

    public sealed record WriteResult(long Version, IReadOnlyList<StoredStreamEvent> Events);
}
