using Npgsql;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// PostgreSQL failed a read or write of the outbox (unreachable, restarting, or refused a value), in a form that
/// crosses silos: Npgsql's exceptions have no Orleans codec. <see cref="SqlState"/> is PostgreSQL's code when the
/// server answered (class 22: a value it cannot store), null when it could not be reached. Whether a failed write
/// committed is unknown, as for any lost connection; the ETag makes the next write find out.
/// </summary>
[GenerateSerializer, Alias("OrleansHub.StorageException")]
public sealed class StorageException : Exception
{
    public StorageException() : base("The database failed the request.") { }

    public StorageException(string message) : base(message) { }

    public StorageException(string message, Exception inner) : base(message, inner) { }

    /// <summary>PostgreSQL's SQLSTATE, or null when the server did not answer.</summary>
    [Id(0)]
    public string? SqlState { get; init; }

    /// <summary>
    /// Npgsql's exceptions as <see cref="StorageException"/> (a unique violation as
    /// <see cref="DuplicateIndexEntryException"/>); anything else as it is.
    /// </summary>
    public static Exception From(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique =>
            new DuplicateIndexEntryException($"Index entry already exists ({unique.ConstraintName}).") { ConstraintName = unique.ConstraintName },
        PostgresException postgres => new StorageException($"PostgreSQL refused the request: {postgres.MessageText}") { SqlState = postgres.SqlState },
        NpgsqlException npgsql => new StorageException($"The database could not be reached: {npgsql.Message}"),
        _ => exception,
    };
}
