using System.Globalization;
using System.Text.Json;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// The outbox as an Orleans grain storage provider (registered as <see cref="OutboxStorage.ProviderName"/>): a
/// grain's state is a JSONB row of <c>grain_state</c> keyed by grain type, key and state name, its ETag the row's
/// version. A write commits the row (insert when the ETag is null, else <c>UPDATE ... WHERE version = etag</c>),
/// the events and the index rows its <see cref="OutboxGrainState{TState}"/> carries, in one transaction shared
/// with other grains' writes (group commit, docs/outbox.md); a stale ETag is
/// <see cref="InconsistentStateException"/> and nothing of the write is stored. After the commit the events go to
/// <see cref="EventPublisher"/>.
/// </summary>
internal sealed class OutboxGrainStorage(GrainStateStore store, OutboxJson json, EventPublisher publisher) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        (string Json, long Version)? stored;
        try
        {
            stored = await store.ReadAsync(grainId, stateName, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException exception)
        {
            throw StorageException.From(exception);
        }
        if (stored is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = JsonSerializer.Deserialize<T>(stored.Value.Json, json.Options) ?? Activator.CreateInstance<T>();
        grainState.ETag = stored.Value.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var outbox = grainState as OutboxGrainState<T>;
        var payload = JsonSerializer.Serialize(grainState.State, json.Options);
        var result = await store.WriteAsync(
            grainId, stateName, payload, VersionOf(grainState.ETag), outbox?.Events ?? [], outbox?.IndexUpdates ?? [], json.Options)
            .ConfigureAwait(false);
        grainState.ETag = result.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        if (result.Events.Count > 0)
        {
            publisher.Committed(result.Events, result.Watched);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (VersionOf(grainState.ETag) is { } version)
        {
            try
            {
                await store.ClearAsync(grainId, stateName, version, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Npgsql.NpgsqlException exception)
            {
                throw StorageException.From(exception);
            }
        }
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static long? VersionOf(string? etag) =>
        etag is null ? null
        : long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : throw new InconsistentStateException($"'{etag}' is not an ETag of the outbox storage.", storedEtag: null, currentEtag: etag);
}

/// <summary>
/// How the outbox serializes state and event data: System.Text.Json, snake_case (the public API's naming, so event
/// data goes to clients as stored), source-generated metadata first where a host adds it.
/// </summary>
internal sealed class OutboxJson(JsonSerializerOptions options)
{
    public JsonSerializerOptions Options { get; } = options;
}
