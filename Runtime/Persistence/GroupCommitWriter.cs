using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
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
/// gets its own outcome and an innocent write is never failed by a neighbour. A batch locks the stream counter
/// rows of all its writes first, in sorted order, so batches running side by side (here or on other silos)
/// do not deadlock on them. A connection failure fails the batch's writes with that error: whether the commit
/// happened is unknown, as it is for a lone write, and the ETag makes the next write find out.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable, IDisposable
{
    // Locks every counter row of the batch in sorted order, creating missing ones (last_seq 0), before any
    // write takes one. "DO UPDATE ... WHERE false" locks an existing row without writing a new version of it.
    private const string LockStreams = """
        INSERT INTO streams AS st (id, last_seq)
        SELECT id, 0 FROM unnest($1::text[]) AS t(id) ORDER BY id
        ON CONFLICT (id) DO UPDATE SET last_seq = st.last_seq WHERE false
        """;

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
            var (version, seqs) = (await ExecuteAsync(batch, 1).ConfigureAwait(false))[0];
            write.Succeed(write.ResultOf(version, seqs));
        }
        catch (Exception exception)
        {
            write.Fail(exception);
        }
    }

    private async Task RunTogetherAsync(List<StateWrite> writes)
    {
        (long Version, long[] Seqs)[] results;
        try
        {
            await using var batch = _database.CreateBatch();
            var streams = writes.SelectMany(write => write.Streams).Distinct(StringComparer.Ordinal).ToArray();
            if (streams.Length > 1)
            {
                var lockStreams = new NpgsqlBatchCommand(LockStreams);
                lockStreams.Parameters.Add(new() { Value = streams, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                batch.BatchCommands.Add(lockStreams);
            }
            foreach (var write in writes)
            {
                write.AddTo(batch);
            }
            results = await ExecuteAsync(batch, writes.Count).ConfigureAwait(false);
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
        for (var i = 0; i < writes.Count; i++)
        {
            writes[i].Succeed(writes[i].ResultOf(results[i].Version, results[i].Seqs));
        }
    }

    /// <summary>
    /// Runs the batch as one implicit transaction and returns each write's hub_write_state row in order. Every
    /// result set is read to the end and the reader closed before returning, so a failure anywhere, the commit
    /// included, surfaces here before any caller is told its write committed.
    /// </summary>
    private static async Task<(long Version, long[] Seqs)[]> ExecuteAsync(NpgsqlBatch batch, int writes)
    {
        var results = new (long, long[])[writes];
        var found = 0;
        var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            do
            {
                if (reader.FieldCount > 0 && reader.GetName(0) == StateWrite.ResultColumn)
                {
                    if (!await reader.ReadAsync().ConfigureAwait(false) || found == writes)
                    {
                        throw new InvalidOperationException("hub_write_state returned an unexpected number of rows.");
                    }
                    results[found++] = (reader.GetInt64(0), reader.GetFieldValue<long[]>(1));
                }
            }
            while (await reader.NextResultAsync().ConfigureAwait(false));
        }
        if (found != writes)
        {
            throw new InvalidOperationException($"Expected {writes} write results, got {found}.");
        }
        return results;
    }
}
