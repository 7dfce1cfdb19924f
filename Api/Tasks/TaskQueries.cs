using System.Text.Json;
using Npgsql;
using OrleansHub.Api.Pagination;

namespace OrleansHub.Api.Tasks;

/// <summary>Reads task list rows and stored log lines (events of task:{id}).</summary>
internal static class TaskQueries
{
    public const int MaxLogPage = 1000;

    /// <summary>Ids of tasks the user may see (a member of their workspace), newest first, with the total.</summary>
    public static async Task<(string[] Ids, long Total)> ListAsync(
        NpgsqlDataSource database, string userId, string? workspaceId, string? status, PageQuery page, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            WITH f AS (
                SELECT t.id, t.created_at FROM tasks t
                JOIN workspace_members m ON m.workspace_id = t.workspace_id AND m.user_id = $1
                WHERE ($2::text IS NULL OR t.workspace_id = $2) AND ($3::text IS NULL OR t.status = $3))
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY created_at DESC, id LIMIT $4 OFFSET $5)
            """);
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = (object?)workspaceId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = page.Limit });
        command.Parameters.Add(new() { Value = page.Offset });
        return await IndexPage.ReadAsync(command, cancellationToken);
    }

    public static async Task<List<TaskLogEntry>> LogsAsync(
        NpgsqlDataSource database, string taskId, long after, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT seq, data->>'stream', data->>'line', created_at FROM stream_events
            WHERE stream_id = $1 AND type = 'task.log' AND seq > $2 ORDER BY seq LIMIT $3
            """);
        command.Parameters.Add(new() { Value = $"task:{taskId}" });
        command.Parameters.Add(new() { Value = after });
        command.Parameters.Add(new() { Value = MaxLogPage });
        var lines = new List<TaskLogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new TaskLogEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return lines;
    }

    /// <summary>The status inside a stored task.status event's data.</summary>
    public static string? StatusOf(string dataJson)
    {
        using var document = JsonDocument.Parse(dataJson);
        return document.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }
}
