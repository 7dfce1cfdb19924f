using System.Collections.Concurrent;
using OrleansHub.Runtime.Calls;

namespace OrleansHub.Runtime.Activation;

/// <summary>The activations of this silo, by grain id; routes each request to the grain's one activation.</summary>
internal sealed class Catalog(GrainTypeRegistry types)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();
    private volatile bool _acceptingActivations = true;

    internal GrainRuntime Runtime { get; set; } = null!;

    public int Count => _activations.Count;

    /// <summary>
    /// The activations, enumerated live: no lock and no copy (<c>Values</c> would take every lock of the
    /// dictionary and copy tens of thousands of entries onto the large-object heap at each timeout sweep).
    /// One added or removed while enumerating may or may not be seen.
    /// </summary>
    public IEnumerable<ActivationData> Activations => _activations.Select(static pair => pair.Value);

    /// <summary>Delivers the request to the grain's activation, creating it if needed.</summary>
    public void Dispatch(GrainId id, GrainRequest request)
    {
        while (true)
        {
            if (!_acceptingActivations && !_activations.ContainsKey(id))
            {
                request.Fail(new SiloUnavailableException());
                return;
            }
            var activation = _activations.GetOrAdd(
                id, static (grainId, catalog) => catalog.NewActivation(grainId), this);
            if (activation.TryEnqueue(request))
            {
                return;
            }
            if (!activation.Deactivated.IsCompleted)
            {
                // Deactivating: send the request on once it is gone.
                activation.Deactivated.ContinueWith(
                    static (_, state) =>
                    {
                        var (catalog, grainId, pending) = ((Catalog, GrainId, GrainRequest))state!;
                        catalog.Dispatch(grainId, pending);
                    },
                    (this, id, request),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                return;
            }
            _activations.TryRemove(KeyValuePair.Create(id, activation));
        }
    }

    public void Remove(ActivationData activation) =>
        _activations.TryRemove(KeyValuePair.Create(activation.Id, activation));

    /// <summary>From now on no new activation is created; requests for absent grains fail.</summary>
    public void StopActivating() => _acceptingActivations = false;

    private ActivationData NewActivation(GrainId id) => new(id, types.ForName(id.Type), Runtime);
}
