using Npgsql;

namespace OrleansHub.Api.Pagination;

/// <summary>
/// Runs a list query of the shape <c>WITH f AS (...) SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY ... LIMIT .. OFFSET ..)</c>:
/// one row, so the total is right even for an offset past the end.
/// </summary>
internal static class IndexPage
{
    public static async Task<(string[] Ids, long Total)> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetFieldValue<string[]>(1), reader.GetInt64(0));
    }
}
