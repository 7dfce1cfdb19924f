using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Persistence;

/// <summary>
/// Group commit for grain state writes (docs/runtime.md, "Group commit"). Writes wait in a queue; each of
/// <see cref="GrainRuntimeOptions.WriteConnections"/> writer loops takes whatever is waiting (up to
/// <see cref="GrainRuntimeOptions.WriteBatchSize"/>, never waiting for more) and sends it as one batch in one
/// implicit transaction, so one commit (one WAL flush, one round trip) serves many writes.
///
/// Per write nothing changes: its state row, events and index rows commit together, and its caller resumes
/// only after that commit. If any statement of a batch fails (a stale ETag, a duplicate index entry, a
/// deadlock), PostgreSQL rolls the whole batch back and each of its writes is run again alone, so every caller
/// gets its own outcome and an innocent write is never failed by a neighbour. The events of all writes of a
/// transaction are appended by its last statement (<see cref="EventAppend"/>), which locks their stream
/// counter rows in sorted order: transactions running side by side (here or on other silos) hold those shared
/// rows only for that statement and the commit, and never deadlock on them. A connection failure fails the batch's writes with that error: whether the commit
/// happened is unknown, as it is for a lone write, and the ETag makes the next write find out.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _database;
    private readonly int _batchSize;
    private readonly Channel<StateWrite> _queue = Channel.CreateUnbounded<StateWrite>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _loops;
    private long _rolledBackBatches;
    private long _sharedCommits;

    public GroupCommitWriter(NpgsqlDataSource database, IOptions<GrainRuntimeOptions> options)
    {
        _database = database;
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
            await using var batch = _database.CreateBatch();
            write.AddTo(batch);
            EventAppend.AddTo(batch, [write]);
            var (versions, seqs) = await ExecuteAsync(batch, [write]).ConfigureAwait(false);
            write.Succeed(write.ResultOf(versions[0], seqs, 0));
        }
        catch (Exception exception)
        {
            write.Fail(exception);
        }
    }

    private async Task RunTogetherAsync(List<StateWrite> writes)
    {
        (long[] Versions, List<long> Seqs) results;
        try
        {
            await using var batch = _database.CreateBatch();
            foreach (var write in writes)
            {
                write.AddTo(batch);
            }
            EventAppend.AddTo(batch, writes);
            results = await ExecuteAsync(batch, writes).ConfigureAwait(false);
        }
        catch (PostgresException)
        {
            // Rolled back as a whole; find out which write it was by running each on its own.
            Interlocked.Increment(ref _rolledBackBatches);
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
        for (var i = 0; i < writes.Count; i++)
        {
            writes[i].Succeed(writes[i].ResultOf(results.Versions[i], results.Seqs, at));
            at += writes[i].Streams.Count;
        }
    }

    /// <summary>
    /// Runs the batch as one implicit transaction and returns each write's new version (hub_write_state rows,
    /// in order) and the seqs of all events (the append's rows, in order). Every result set is read to the end
    /// and the reader closed before returning, so a failure anywhere, the commit included, surfaces here
    /// before any caller is told its write committed.
    /// </summary>
    private static async Task<(long[] Versions, List<long> Seqs)> ExecuteAsync(NpgsqlBatch batch, IReadOnlyList<StateWrite> sent)
    {
        var writes = sent.Count;
        var versions = new long[writes];
        var seqs = new List<long>();
        var found = 0;
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
                if (column == StateWrite.ResultColumn)
                {
                    if (!await reader.ReadAsync().ConfigureAwait(false) || found == writes)
                    {
                        throw new InvalidOperationException("hub_write_state returned an unexpected number of rows.");
                    }
                    versions[found++] = reader.GetInt64(0);
                }
                else if (column == EventAppend.ResultColumn)
                {
                    while (await reader.ReadAsync().ConfigureAwait(false))
                    {
                        seqs.Add(reader.GetInt64(0));
                    }
                }
            }
            while (await reader.NextResultAsync().ConfigureAwait(false));
        }
        if (found != writes)
        {
            throw new InvalidOperationException($"Expected {writes} write results, got {found}.");
        }
        var events = sent.Sum(write => write.Streams.Count);
        if (seqs.Count != events)
        {
            throw new InvalidOperationException($"The event append returned {seqs.Count} seqs for {events} events.");
        }
        return (versions, seqs);
    }
}
