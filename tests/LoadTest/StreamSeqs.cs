namespace OrleansHub.LoadTest;

/// <summary>
/// Per followed stream of one connection, the last seq delivered: every event must be the previous + 1, so a gap is
/// counted as lost and a repeat or step back as out of order. Shared by both hub clients of the harness, so they
/// check delivery the same way.
/// </summary>
internal sealed class StreamSeqs
{
    private readonly LoadStats _stats;
    private readonly string[] _streams;
    private readonly long[] _lastSeq;
    private long _received;

    public StreamSeqs(LoadStats stats, string[] streams)
    {
        _stats = stats;
        _streams = streams;
        _lastSeq = [.. streams.Select(_ => -1L)];
    }

    public IReadOnlyList<string> Streams => _streams;

    /// <summary>Events this connection received on its followed streams (for the cross-silo share).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>The last seq seen on the stream (-1: none yet).</summary>
    public long Last(int stream) => Interlocked.Read(ref _lastSeq[stream]);

    /// <summary>The index of a followed stream; -1 for another.</summary>
    public int IndexOf(string stream) => Array.IndexOf(_streams, stream);

    /// <summary>Subscribe answered with <paramref name="lastSeq"/>; events may have come before the answer.</summary>
    public void Subscribed(int stream, long lastSeq)
    {
        // A first event past last_seq + 1 means some were lost.
        var first = Interlocked.CompareExchange(ref _lastSeq[stream], lastSeq, -1L);
        if (first != -1 && first > lastSeq + 1)
        {
            _stats.Lost(first - lastSeq - 1);
        }
    }

    /// <summary>An event of the stream arrived at <paramref name="now"/>: its commit-to-client latency and its seq.</summary>
    public void Seen(int stream, long seq, DateTimeOffset timestamp, DateTimeOffset now)
    {
        _stats.Event((now - timestamp).Ticks / TimeSpan.TicksPerMicrosecond);
        Interlocked.Increment(ref _received);
        var last = Interlocked.Read(ref _lastSeq[stream]);
        if (last == -1 || seq == last + 1)
        {
            Interlocked.Exchange(ref _lastSeq[stream], seq);
        }
        else if (seq <= last)
        {
            _stats.OutOfOrder();
        }
        else
        {
            _stats.Lost(seq - last - 1);
            Interlocked.Exchange(ref _lastSeq[stream], seq);
        }
    }
}
