using System.Text.Json;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansHub.Outbox.EventLog;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// Grain state rows and the outbox. A write is its state row (hub_write_states, deploy/sql/outbox) plus its index
/// statements, sent through <see cref="GroupCommitWriter"/>: state, events and index rows commit together, and a
/// version mismatch raises SQLSTATE OHETG (<see cref="InconsistentStateException"/>). Rows are keyed by the
/// grain's type and key (<c>[GrainType("task")]</c> and the string key) and the state name.
/// </summary>
internal sealed class GrainStateStore(NpgsqlDataSource database, GroupCommitWriter writer)
{
    public async Task<(string Json, long Version)?> ReadAsync(GrainId id, string stateName, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "SELECT state::text, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3");
        command.Parameters.Add(new() { Value = id.Type.ToString() });
        command.Parameters.Add(new() { Value = id.Key.ToString() });
        command.Parameters.Add(new() { Value = stateName });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return (reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Writes the state with its events and index rows in one transaction, possibly shared with other grains'
    /// writes (group commit); completes after the commit. A stale version is InconsistentStateException, a
    /// unique index row that exists is DuplicateIndexEntryException; either way nothing of this write committed.
    /// </summary>
    public Task<WriteResult> WriteAsync(
        GrainId id,
        string stateName,
        string stateJson,
        long? expectedVersion,
        IReadOnlyList<StreamEvent> events,
        IReadOnlyList<IndexUpdate> indexUpdates,
        JsonSerializerOptions json) =>
        writer.WriteAsync(new StateWrite(id, stateName, stateJson, expectedVersion, events, indexUpdates, json));

    public async Task ClearAsync(GrainId id, string stateName, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "DELETE FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $4");
        command.Parameters.Add(new() { Value = id.Type.ToString() });
        command.Parameters.Add(new() { Value = id.Key.ToString() });
        command.Parameters.Add(new() { Value = stateName });
        command.Parameters.Add(new() { Value = expectedVersion });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new InconsistentStateException(
                $"State '{stateName}' of {id} was changed by someone else before it was cleared.", storedEtag: null,
                currentEtag: expectedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
