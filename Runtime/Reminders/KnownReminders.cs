namespace OrleansHub.Runtime.Reminders;

/// <summary>
/// What one activation knows of its own reminders, so <c>GetReminder</c> reads the table once per name and
/// activation. Only the grain registers and removes its reminders (the reminder service only moves their due
/// time), and one activation exists at a time, so what it last did or read stays true. A change that was
/// started while another on the same name was still running (a reentrant grain) leaves the name unknown.
/// </summary>
internal sealed class KnownReminders
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, bool> _exists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastStarted = new(StringComparer.Ordinal);
    private long _stamp;

    /// <summary>True or false when known, null when the table must be read.</summary>
    public bool? Exists(string name)
    {
        lock (_lock)
        {
            return _exists.TryGetValue(name, out var exists) ? exists : null;
        }
    }

    /// <summary>Forgets <paramref name="name"/> while a change or read of it runs; returns that operation's stamp.</summary>
    public long Start(string name)
    {
        lock (_lock)
        {
            _exists.Remove(name);
            _lastStarted[name] = ++_stamp;
            return _stamp;
        }
    }

    /// <summary>Records the outcome, unless another operation on <paramref name="name"/> started meanwhile.</summary>
    public void Finish(string name, long stamp, bool exists)
    {
        lock (_lock)
        {
            if (_lastStarted.TryGetValue(name, out var last) && last == stamp)
            {
                _exists[name] = exists;
            }
        }
    }
}
