using Orleans.Runtime;
using Orleans.Storage;
using OrleansHub.Outbox.EventLog;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// The <see cref="IOutboxState{TState}"/> facet of one activation: reads at the grain's SetupState lifecycle stage
/// (skipped for a grain its caller just minted, <see cref="NewGrains"/>), writes through the named
/// <see cref="IGrainStorage"/> with the write's events and index rows. Like Orleans' own persistent state, it is
/// only used from the activation's turns.
/// </summary>
internal sealed class OutboxState<TState> : IOutboxState<TState>, ILifecycleObserver
    where TState : new()
{
    private readonly string _stateName;
    private readonly IGrainContext _context;
    private readonly IGrainStorage _storage;

    public OutboxState(string stateName, IGrainContext context, IGrainStorage storage)
    {
        _stateName = stateName;
        _context = context;
        _storage = storage;
        context.ObservableLifecycle.Subscribe(nameof(OutboxState<TState>), GrainLifecycleStage.SetupState, this);
        ActivationOutboxStates.Add(context, this);
    }

    public TState State { get; set; } = new();

    public string? Etag { get; private set; }

    public bool RecordExists { get; private set; }

    public Task OnStart(CancellationToken cancellationToken = default) =>
        NewGrains.IsPromised(_context.GrainId) ? Task.CompletedTask : ReadStateAsync();

    public Task OnStop(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task ReadStateAsync()
    {
        var read = new OutboxGrainState<TState>(new TState(), null, [], []);
        await _storage.ReadStateAsync(_stateName, _context.GrainId, read);
        State = read.State ?? new TState();
        Etag = read.ETag;
        RecordExists = read.RecordExists;
    }

    public Task WriteStateAsync() => WriteStateAsync([], []);

    public Task WriteStateAsync(params IReadOnlyList<StreamEvent> events) => WriteStateAsync(events, []);

    public async Task WriteStateAsync(IReadOnlyList<StreamEvent> events, IReadOnlyList<IndexUpdate> indexUpdates)
    {
        var write = new OutboxGrainState<TState>(State, Etag, events, indexUpdates);
        try
        {
            await _storage.WriteStateAsync(_stateName, _context.GrainId, write);
        }
        catch (Exception exception)
        {
            DeactivateAfterFailure(exception);
            throw;
        }
        Etag = write.ETag;
        RecordExists = true;
    }

    public async Task ClearStateAsync()
    {
        var clear = new OutboxGrainState<TState>(State, Etag, [], []);
        try
        {
            await _storage.ClearStateAsync(_stateName, _context.GrainId, clear);
        }
        catch (Exception exception)
        {
            DeactivateAfterFailure(exception);
            throw;
        }
        State = new TState();
        Etag = null;
        RecordExists = false;
    }

    // Nothing committed, but State already holds the change: end this activation after the turn, so the next call
    // reloads what is stored.
    private void DeactivateAfterFailure(Exception exception) =>
        _context.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, $"State write failed: {exception.GetType().Name}"));
}
