namespace OrleansHub.Silo.Postgres;

/// <summary>Where and how an <see cref="EmbeddedPostgres"/> runs.</summary>
internal sealed record EmbeddedPostgresSettings
{
    /// <summary>Data directory: initialised when missing or empty, reused when it already holds a cluster.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Loopback port to listen on. 0 (default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Directory holding initdb, pg_ctl and postgres. Null (default) searches PATH, then
    /// /usr/lib/postgresql/*/bin (highest version).
    /// </summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// Let loopback connections in without a password, and keep no password files. Default false: the
    /// server requires SCRAM passwords. Only for throwaway test servers (tests/TestSupport).
    /// </summary>
    public bool TrustLocalConnections { get; init; }

    /// <summary>max_connections of the server. Default 300 (several silos and test pools share one server).</summary>
    public int MaxConnections { get; init; } = 300;
}

/// <summary>How <c>pg_ctl stop</c> ends the server.</summary>
internal enum ShutdownMode
{
    /// <summary>Disconnect clients, checkpoint, exit: the data directory stays reusable without recovery.</summary>
    Fast,

    /// <summary>Exit at once; the next start replays WAL. For throwaway servers.</summary>
    Immediate,
}
