using Npgsql;
using NpgsqlTypes;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// The state rows of a transaction's writes, in one statement (hub_write_states, deploy/sql/runtime): each row
/// guarded by its write's expected version. A row that is not at it (or exists when none was expected) raises
/// OHETG and rolls the transaction back; otherwise each write's new version is its expected one + 1.
/// </summary>
internal static class StateRows
{
    /// <summary>Column name of the statement's result (how many rows it wrote); marks its result set in a batch.</summary>
    public const string ResultColumn = "states_written";

    private const string Sql = $"SELECT hub_write_states($1, $2, $3, $4, $5) AS {ResultColumn}";

    /// <summary>Adds the write of every state row of <paramref name="writes"/>.</summary>
    public static void AddTo(NpgsqlBatch batch, IReadOnlyList<StateWrite> writes)
    {
        var types = new string[writes.Count];
        var keys = new string[writes.Count];
        var names = new string[writes.Count];
        var states = new string[writes.Count];
        var versions = new long?[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            (types[i], keys[i], names[i], states[i], versions[i]) = writes[i].Row;
        }
        var command = new NpgsqlBatchCommand(Sql);
        command.Parameters.Add(new() { Value = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = states, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        batch.BatchCommands.Add(command);
    }
}
