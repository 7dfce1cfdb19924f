using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Hosting;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// Group commit for grain state writes (docs/outbox.md, "Group commit"). Writes wait in a queue; each of
/// <see cref="OutboxOptions.WriteConnections"/> writer loops takes whatever is waiting (up to
/// <see cref="OutboxOptions.WriteBatchSize"/>, never waiting for more) and sends it as one batch in one
/// implicit transaction, so one commit (one WAL flush, one round trip) serves many writes.
///
/// Per write nothing changes: its state row, events and index rows commit together, and its caller resumes
/// only after that commit. If any statement of a batch fails (a stale ETag, a duplicate index entry, a
/// deadlock), PostgreSQL rolls the whole batch back and each of its writes is run again alone, so every caller
/// gets its own outcome and an innocent write is never failed by a neighbour. The state rows of all writes of a
/// transaction are written by its first statement (<see cref="StateRows"/>), and their events appended by its
/// last (<see cref="EventAppend"/>), which locks their stream
/// counter rows in sorted order: transactions running side by side (here or on other silos) hold those shared
/// rows only for that statement and the commit, and never deadlock on them. A connection failure fails the
/// batch's writes with that error: whether the commit happened is unknown, as it is for a lone write, and the
/// ETag makes the next write find out.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _database;
    private readonly StorageMetrics _metrics;
    private readonly int _batchSize;
    private readonly Channel<StateWrite> _queue = Channel.CreateUnbounded<StateWrite>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _loops;
    private long _rolledBackBatches;
    private long _sharedCommits;

    public GroupCommitWriter(NpgsqlDataSource database, IOptions<OutboxOptions> options, StorageMetrics metrics)
    {
        _database = database;
        _metrics = metrics;
        metrics.ObserveQueue(() => Queued);
        _batchSize = options.Value.WriteBatchSize;
        _loops = new Task[options.Value.WriteConnections];
        for (var i = 0; i < _loops.Length; i++)
        {
            _loops[i] = RunLoopAsync();
        }
    }

    /// <summary>Writes waiting for a writer loop.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Batches that were rolled back and re-run write by write (a failing write, or a deadlock).</summary>
    public long RolledBackBatches => Interlocked.Read(ref _rolledBackBatches);

    /// <summary>Transactions that carried more than one write.</summary>
    public long SharedCommits => Interlocked.Read(ref _sharedCommits);

    /// <summary>Queues the write; its <see cref="StateWrite.Completion"/> ends after its commit.</summary>
    public Task<WriteResult> WriteAsync(StateWrite write)
    {
        if (!_queue.Writer.TryWrite(write))
        {
            write.Fail(new ObjectDisposedException(nameof(GroupCommitWriter), "The silo's storage is shut down."));
        }
        return write.Completion;
    }

    /// <summary>Stops taking writes and lets the loops finish what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    /// <summary>
    /// For hosts disposed synchronously: stops taking writes without waiting. By then the runtime has stopped
    /// and every activation has written its last state, so nothing is queued.
    /// </summary>
    public void Dispose() => _queue.Writer.TryComplete();

    private async Task RunLoopAsync()
    {
        // Leave the constructor's thread before the first wait.
        await Task.Yield();
        var writes = new List<StateWrite>(_batchSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (writes.Count < _batchSize && reader.TryRead(out var write))
            {
                writes.Add(write);
            }
            if (writes.Count == 0)
            {
                continue;
            }
            if (writes.Count == 1)
            {
                await RunAloneAsync(writes[0]).ConfigureAwait(false);
            }
            else
            {
                await RunTogetherAsync(writes).ConfigureAwait(false);
            }
            writes.Clear();
        }
    }

    private async Task RunAloneAsync(StateWrite write)
    {
        try
        {
            var appended = await ExecuteAsync([write]).ConfigureAwait(false);
            write.Succeed(write.ResultOf(appended, 0));
        }
        catch (Exception exception)
        {
            write.Fail(exception);
        }
    }

    private async Task RunTogetherAsync(List<StateWrite> writes)
    {
        Appended appended;
        try
        {
            appended = await ExecuteAsync(writes).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            // Rolled back as a whole; find out which write it was by running each on its own.
            Interlocked.Increment(ref _rolledBackBatches);
            _metrics.RolledBack();
            await Task.WhenAll(writes.Select(RunAloneAsync)).ConfigureAwait(false);
            return;
        }
        catch (Exception exception)
        {
            foreach (var write in writes)
            {
                write.Fail(exception);
            }
            return;
        }
        Interlocked.Increment(ref _sharedCommits);
        var at = 0;
        foreach (var write in writes)
        {
            write.Succeed(write.ResultOf(appended, at));
            at += write.Streams.Count;
        }
    }

    /// <summary>Runs the writes as one transaction (<see cref="SendAsync"/>), counted and timed (<see cref="StorageMetrics"/>).</summary>
    private async Task<Appended> ExecuteAsync(IReadOnlyList<StateWrite> writes)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var appended = await SendAsync(writes).ConfigureAwait(false);
            _metrics.Committed(writes.Count, Stopwatch.GetElapsedTime(started));
            return appended;
        }
        catch
        {
            _metrics.Failed(Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    /// <summary>
    /// Runs the writes as one implicit transaction: their state rows (<see cref="StateRows"/>), each write's index
    /// updates in order, then all their events (<see cref="EventAppend"/>). Returns the seq of every event, in
    /// write order, and the streams some silo watches. Every result set is read to the end and the reader closed before returning, so a failure
    /// anywhere, the commit included, surfaces here before any caller is told its write committed.
    /// </summary>
    private async Task<Appended> SendAsync(IReadOnlyList<StateWrite> writes)
    {
        await using var batch = _database.CreateBatch();
        StateRows.AddTo(batch, writes);
        foreach (var write in writes)
        {
            write.AddIndexUpdatesTo(batch);
        }
        var append = EventAppend.AddTo(batch, writes);

        var statesWritten = -1;
        var lastSeqs = new Dictionary<string, long>(append?.StreamCount ?? 0, StringComparer.Ordinal);
        HashSet<string>? watched = null;
        var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            do
            {
                if (reader.FieldCount == 0)
                {
                    continue;
                }
                var column = reader.GetName(0);
                if (column == StateRows.ResultColumn && await reader.ReadAsync().ConfigureAwait(false))
                {
                    statesWritten = reader.GetInt32(0);
                }
                else if (column == EventAppend.ResultColumn)
                {
                    while (await reader.ReadAsync().ConfigureAwait(false))
                    {
                        var stream = reader.GetString(0);
                        lastSeqs[stream] = reader.GetInt64(1);
                        if (reader.GetBoolean(2))
                        {
                            (watched ??= new(StringComparer.Ordinal)).Add(stream);
                        }
                    }
                }
            }
            while (await reader.NextResultAsync().ConfigureAwait(false));
        }
        if (statesWritten != writes.Count)
        {
            throw new InvalidOperationException($"hub_write_states wrote {statesWritten} rows for {writes.Count} writes.");
        }
        if (append is null)
        {
            return Appended.Nothing;
        }
        if (lastSeqs.Count != append.StreamCount)
        {
            throw new InvalidOperationException($"The event append returned {lastSeqs.Count} streams for {append.StreamCount}.");
        }
        return new Appended(append.SeqsFrom(lastSeqs), watched);
    }
}

/// <summary>What a transaction's event append answered: every event's seq in write order, and the watched streams.</summary>
internal readonly record struct Appended(long[] Seqs, IReadOnlySet<string>? Watched)
{
    public static readonly Appended Nothing = new([], null);

    public bool IsWatched(string stream) => Watched?.Contains(stream) == true;
}
