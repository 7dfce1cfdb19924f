using Npgsql;
using OrleansHub.Api.Pagination;

namespace OrleansHub.Api.Stores;

/// <summary>Reads the store list rows (never the grains' JSON).</summary>
internal static class StoreQueries
{
    /// <summary>Ids of the stores the user owns, newest first, with the total.</summary>
    public static async Task<(string[] Ids, long Total)> ListOwnedAsync(
        NpgsqlDataSource database, string ownerId, PageQuery page, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            WITH f AS (SELECT id, created_at FROM stores WHERE owner_id = $1)
            SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY created_at DESC, id LIMIT $2 OFFSET $3)
            """);
        command.Parameters.Add(new() { Value = ownerId });
        command.Parameters.Add(new() { Value = page.Limit });
        command.Parameters.Add(new() { Value = page.Offset });
        return await IndexPage.ReadAsync(command, cancellationToken);
    }
}
