namespace OrleansHub.Runtime;

/// <summary>A state write found a different version than the one it read: another writer won.</summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException() : base("The grain state was changed by another writer (ETag mismatch).") { }

    public InconsistentStateException(string message) : base(message) { }

    public InconsistentStateException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The silo is shutting down or not started and takes no new calls.</summary>
public sealed class SiloUnavailableException : Exception
{
    public SiloUnavailableException() : base("The silo is not accepting calls (it is stopping or not started).") { }

    public SiloUnavailableException(string message) : base(message) { }

    public SiloUnavailableException(string message, Exception inner) : base(message, inner) { }
}
