using System.Globalization;
using System.Text.Json;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansHub.Outbox.EventLog;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// One grain's state write with its outbox events and index rows, serialized and ready to be sent, alone or
/// in a group commit with others. Its statements always commit together; <see cref="Completion"/> ends after
/// the transaction that carried them committed (or with the error that stopped it).
/// </summary>
internal sealed class StateWrite
{
    private const string EtagMismatch = "OHETG";

    private readonly GrainId _id;
    private readonly string _stateName;
    private readonly string _stateJson;
    private readonly long? _expectedVersion;
    private readonly IReadOnlyList<StreamEvent> _events;
    private readonly IReadOnlyList<IndexUpdate> _indexUpdates;
    private readonly string[] _streams;
    private readonly string[] _types;
    private readonly string[] _data;
    private readonly int[] _source;
    private readonly DateTimeOffset _createdAt = DateTimeOffset.UtcNow;
    private readonly TaskCompletionSource<WriteResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StateWrite(
        GrainId id, string stateName, string stateJson, long? expectedVersion,
        IReadOnlyList<StreamEvent> events, IReadOnlyList<IndexUpdate> indexUpdates, JsonSerializerOptions json)
    {
        _id = id;
        _stateName = stateName;
        _stateJson = stateJson;
        _expectedVersion = expectedVersion;
        _events = events;
        _indexUpdates = indexUpdates;
        _streams = new string[events.Count];
        _types = new string[events.Count];
        _data = new string[events.Count];
        _source = SourcesOf(events);
        for (var i = 0; i < events.Count; i++)
        {
            _streams[i] = events[i].Stream.ToString();
            _types[i] = events[i].Type;
            _data[i] = _source[i] < 0
                ? JsonSerializer.Serialize(events[i].Data, events[i].Data.GetType(), json)
                : _data[_source[i]];
        }
    }

    public Task<WriteResult> Completion => _completion.Task;

    /// <summary>The stream of each of this write's events.</summary>
    public IReadOnlyList<string> Streams => _streams;

    /// <summary>
    /// Copies this write's events into the transaction's <see cref="EventAppend"/> arrays at <paramref name="at"/>.
    /// An event that shares its data with an earlier one of the write gets no data, and that event's index in
    /// <paramref name="sources"/> (-1 for the others).
    /// </summary>
    public void CopyEventsTo(string[] streams, string[] types, string?[] data, int[] sources, DateTimeOffset[] createdAt, int at)
    {
        _streams.CopyTo(streams, at);
        _types.CopyTo(types, at);
        for (var i = 0; i < _source.Length; i++)
        {
            data[at + i] = _source[i] < 0 ? _data[i] : null;
            sources[at + i] = _source[i] < 0 ? -1 : at + _source[i];
        }
        Array.Fill(createdAt, _createdAt, at, _streams.Length);
    }

    // Per event, the first earlier event with the very same data object (a grain publishing one event to several
    // streams passes one object), or -1: its JSON is serialized and stored once. The usual write has one or two
    // events and compares them pairwise; a larger one (a batch of log lines) looks them up by reference, so the
    // cost stays linear.
    private static int[] SourcesOf(IReadOnlyList<StreamEvent> events)
    {
        var sources = new int[events.Count];
        var firsts = events.Count > 8 ? new Dictionary<object, int>(events.Count, ReferenceEqualityComparer.Instance) : null;
        for (var i = 0; i < events.Count; i++)
        {
            sources[i] = -1;
            if (firsts is not null)
            {
                if (!firsts.TryAdd(events[i].Data, i))
                {
                    sources[i] = firsts[events[i].Data];
                }
                continue;
            }
            for (var j = 0; j < i; j++)
            {
                if (ReferenceEquals(events[j].Data, events[i].Data))
                {
                    sources[i] = j;
                    break;
                }
            }
        }
        return sources;
    }

    /// <summary>The state row this write stores, for the transaction's <see cref="StateRows"/> statement.</summary>
    public (string Type, string Key, string Name, string StateJson, long? ExpectedVersion) Row =>
        (_id.Type.ToString()!, _id.Key.ToString()!, _stateName, _stateJson, _expectedVersion);

    /// <summary>Appends this write's index updates, in order.</summary>
    public void AddIndexUpdatesTo(NpgsqlBatch batch)
    {
        foreach (var update in _indexUpdates)
        {
            var command = new NpgsqlBatchCommand(update.Sql);
            IndexQueries.Bind(command.Parameters, update.Parameters);
            batch.BatchCommands.Add(command);
        }
    }

    /// <summary>
    /// Builds the result from its events' seqs, found in the transaction's <paramref name="appended"/> seqs from
    /// <paramref name="at"/> (call only after the commit), with the events of watched streams apart. The row now holds the expected version + 1, or 1
    /// for a new one: it was written only if it was at the expected version.
    /// </summary>
    public WriteResult ResultOf(Appended appended, int at)
    {
        var version = (_expectedVersion ?? 0) + 1;
        var stored = new StoredStreamEvent[_events.Count];
        List<StoredStreamEvent>? watched = null;
        for (var i = 0; i < _events.Count; i++)
        {
            stored[i] = new StoredStreamEvent(_events[i].Stream, appended.Seqs[at + i], _types[i], _data[i], _createdAt);
            if (appended.IsWatched(_streams[i]))
            {
                (watched ??= []).Add(stored[i]);
            }
        }
        return new WriteResult(version, stored, watched ?? []);
    }

    public void Succeed(WriteResult result) => _completion.TrySetResult(result);

    /// <summary>Ends the write with the error that stopped its own transaction, in Orleans' terms.</summary>
    public void Fail(Exception exception) => _completion.TrySetException(Translate(exception));

    private Exception Translate(Exception exception) => exception switch
    {
        PostgresException { SqlState: EtagMismatch } => new InconsistentStateException(
            $"State '{_stateName}' of {_id} was written by someone else (expected version {_expectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}).",
            storedEtag: null, currentEtag: _expectedVersion?.ToString(CultureInfo.InvariantCulture)),
        _ => StorageException.From(exception),
    };
}

/// <summary>
/// What a committed write produced: the new version, the stored events with their seqs, and those of them whose
/// stream some silo watches (the ones to publish live).
/// </summary>
internal sealed record WriteResult(long Version, IReadOnlyList<StoredStreamEvent> Events, IReadOnlyList<StoredStreamEvent> Watched);
