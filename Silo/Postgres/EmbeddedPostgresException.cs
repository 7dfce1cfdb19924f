namespace OrleansHub.Silo.Postgres;

/// <summary>
/// The embedded PostgreSQL server could not be found, initialised, started or stopped.
/// <see cref="Exception.Message"/> is one line meant for an operator; <see cref="Output"/>
/// holds the full tool output or server log tail when there is one.
/// </summary>
internal sealed class EmbeddedPostgresException : Exception
{
    public EmbeddedPostgresException()
    {
    }

    public EmbeddedPostgresException(string message)
        : base(message)
    {
    }

    public EmbeddedPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EmbeddedPostgresException(string message, string output)
        : base(message)
    {
        Output = output;
    }

    /// <summary>What the failing tool printed (or the server log tail); empty when not applicable.</summary>
    public string Output { get; } = "";
}
