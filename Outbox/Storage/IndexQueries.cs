using System.Collections.Immutable;
using System.Data.Common;
using Npgsql;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// A parameterised read of tables the domain owns (index rows, counters). Parameters are positional ($1, $2,
/// ...) as in <see cref="IndexUpdate"/>; a null is sent untyped, so give a parameter that may be null a cast
/// where it first appears (<c>$2::text IS NULL OR status = $2</c>).
/// </summary>
public sealed record IndexQuery(string Sql, params IReadOnlyList<object?> Parameters);

/// <summary>One page of a list: the ids on it, in order, and how many the whole list has.</summary>
public sealed record IndexPage(ImmutableArray<string> Ids, long Total);

/// <summary>
/// Runs the domain's own SQL outside a state write: reads of the rows grains write with their state (lists,
/// lookups, the rows an activation rebuilds its memory from), and a single statement that has no state to
/// commit with (an audit row for a failed login, a counter). The SQL and its tables belong to the feature
/// that writes them (docs/outbox.md, "Index tables"); this class only runs it, so no caller handles a
/// connection or a driver type. Database errors come out as <see cref="StorageException"/> (a unique violation
/// as <see cref="DuplicateIndexEntryException"/>), which cross silos as Npgsql's own exceptions cannot.
/// </summary>
public sealed class IndexQueries
{
    private readonly NpgsqlDataSource _database;

    internal IndexQueries(NpgsqlDataSource database) => _database = database;

    /// <summary>Every row of <paramref name="query"/>, each turned into a value by <paramref name="map"/>.</summary>
    public Task<IReadOnlyList<T>> ReadAsync<T>(IndexQuery query, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        TranslatedAsync(async () =>
        {
            await using var command = Command(query.Sql, query.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await ReadRowsAsync(reader, map, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>
    /// Two reads in one round trip (one batch), for a page and its count, or rows and their totals.
    /// </summary>
    public Task<(IReadOnlyList<T1> First, IReadOnlyList<T2> Second)> ReadAsync<T1, T2>(
        IndexQuery first, Func<DbDataReader, T1> mapFirst, IndexQuery second, Func<DbDataReader, T2> mapSecond,
        CancellationToken cancellationToken) =>
        TranslatedAsync(async () =>
        {
            await using var batch = _database.CreateBatch();
            batch.BatchCommands.Add(BatchCommand(first));
            batch.BatchCommands.Add(BatchCommand(second));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var firstRows = await ReadRowsAsync(reader, mapFirst, cancellationToken).ConfigureAwait(false);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var secondRows = await ReadRowsAsync(reader, mapSecond, cancellationToken).ConfigureAwait(false);
            return (firstRows, secondRows);
        });

    /// <summary>
    /// A list page from a query that answers one row: the total (bigint) and the page's ids (text[]), e.g.
    /// <c>WITH f AS (...) SELECT (SELECT count(*) FROM f), ARRAY(SELECT id FROM f ORDER BY ... LIMIT $n OFFSET $m)</c>.
    /// One statement, so the total is right even for an offset past the end.
    /// </summary>
    public Task<IndexPage> ReadPageAsync(IndexQuery query, CancellationToken cancellationToken) =>
        TranslatedAsync(async () =>
        {
            await using var command = Command(query.Sql, query.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("A list page query must answer one row (total, ids).");
            }
            return new IndexPage([.. reader.GetFieldValue<string[]>(1)], reader.GetInt64(0));
        });

    /// <summary>Runs one statement on its own, in its own transaction; returns the number of rows it changed.</summary>
    public Task<int> ExecuteAsync(IndexUpdate update, CancellationToken cancellationToken) =>
        TranslatedAsync(async () =>
        {
            await using var command = Command(update.Sql, update.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Runs one statement on its own and reads the rows it returns (<c>... RETURNING</c>).</summary>
    public Task<IReadOnlyList<T>> ExecuteAsync<T>(IndexUpdate update, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        TranslatedAsync(async () =>
        {
            await using var command = Command(update.Sql, update.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await ReadRowsAsync(reader, map, cancellationToken).ConfigureAwait(false);
        });

    // Npgsql's exceptions have no Orleans codec: a grain that lets one escape would fail its caller with a codec error.
    private static async Task<T> TranslatedAsync<T>(Func<Task<T>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw StorageException.From(exception);
        }
    }

    /// <summary>Adds positional values as parameters; null becomes an untyped SQL NULL.</summary>
    internal static void Bind(NpgsqlParameterCollection parameters, IReadOnlyList<object?> values)
    {
        foreach (var value in values)
        {
            parameters.Add(new() { Value = value ?? DBNull.Value });
        }
    }

    private NpgsqlCommand Command(string sql, IReadOnlyList<object?> parameters)
    {
        var command = _database.CreateCommand(sql);
        Bind(command.Parameters, parameters);
        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(IndexQuery query)
    {
        var command = new NpgsqlBatchCommand(query.Sql);
        Bind(command.Parameters, query.Parameters);
        return command;
    }

    private static async Task<IReadOnlyList<T>> ReadRowsAsync<T>(DbDataReader reader, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }
        return rows;
    }
}
