namespace OrleansHub.Runtime;

/// <summary>Marker for grain interfaces.</summary>
public interface IGrain;

/// <summary>A grain identified by a string key (every grain in OrleansHub).</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Creates references to grains. References are cheap; the grain activates on first call.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain of interface <typeparamref name="TGrainInterface"/> with this key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey;

    /// <summary>
    /// A reference to a grain whose key the caller has just minted (a new random or time-ordered id), so no
    /// state can be stored under it yet. If the reference's first call is the one that activates the grain,
    /// the activation starts with empty state instead of reading storage (one round trip less per create,
    /// docs/runtime.md "New grains"); every later call, and every other reference, behaves as
    /// <see cref="GetGrain{TGrainInterface}"/>. Were the promise wrong, nothing stored is lost: the grain's
    /// first write fails with <see cref="InconsistentStateException"/> and the next activation reads storage.
    /// </summary>
    TGrainInterface GetNewGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey;
}
