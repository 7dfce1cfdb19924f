using System.Globalization;
using System.Text.Json;
using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Streams;

namespace OrleansHub.Runtime.Persistence;

internal sealed class PersistentState<TState>(
    string stateName,
    ActivationData activation,
    GrainStateStore store,
    StreamNotifier notifier,
    JsonSerializerOptions json) : IPersistentState<TState>, IStateLoader
    where TState : new()
{
    private long? _version;

    public TState State { get; set; } = new();

    public string? Etag => _version?.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists => _version is not null;

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await store.ReadAsync(activation.Id, stateName, cancellationToken);
        if (stored is null)
        {
            State = new TState();
            _version = null;
            return;
        }
        State = JsonSerializer.Deserialize<TState>(stored.Value.Json, json) ?? new TState();
        _version = stored.Value.Version;
    }

    public Task WriteStateAsync(params IReadOnlyList<StreamEvent> events) => WriteStateAsync(events, []);

    public async Task WriteStateAsync(IReadOnlyList<StreamEvent> events, IReadOnlyList<IndexUpdate> indexUpdates)
    {
        var payload = JsonSerializer.Serialize(State, json);
        try
        {
            var result = await store.WriteAsync(
                activation.Id, stateName, payload, _version, events, indexUpdates, json);
            _version = result.Version;
            if (result.Events.Count > 0)
            {
                notifier.Committed(result.Events);
            }
        }
        catch (Exception exception)
        {
            // Nothing committed, but State already holds the change: end this activation after the
            // turn so the next call reloads what is stored.
            activation.RequestDeactivation(new DeactivationReason(
                exception is InconsistentStateException ? DeactivationReasonCode.InconsistentState : DeactivationReasonCode.WriteFailed,
                exception.GetType().Name));
            throw;
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        if (_version is { } version)
        {
            try
            {
                await store.ClearAsync(activation.Id, stateName, version, cancellationToken);
            }
            catch (InconsistentStateException)
            {
                activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.InconsistentState, "ETag mismatch"));
                throw;
            }
        }
        State = new TState();
        _version = null;
    }
}
