namespace OrleansHub.Outbox.Storage;

/// <summary>
/// A SQL statement on an index table (a list its feature reads back through <see cref="IndexQueries"/>) that
/// commits in the same transaction as a grain's state write: both happen or neither does. Parameters are
/// positional ($1, $2, ...). The outbox runs it as given; the table belongs to the domain's migrations.
/// A change that has no state to ride with runs on its own with <see cref="IndexQueries.ExecuteAsync(IndexUpdate, CancellationToken)"/>.
/// </summary>
public sealed record IndexUpdate(string Sql, params IReadOnlyList<object?> Parameters);

/// <summary>An index update hit a unique constraint (e.g. an email already taken); nothing was written.</summary>
[GenerateSerializer, Alias("OrleansHub.DuplicateIndexEntryException")]
public sealed class DuplicateIndexEntryException : Exception
{
    public DuplicateIndexEntryException() : base("A unique index entry already exists.") { }

    public DuplicateIndexEntryException(string message) : base(message) { }

    public DuplicateIndexEntryException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The violated constraint, e.g. "users_by_email_pkey".</summary>
    [Id(0)]
    public string? ConstraintName { get; init; }
}
