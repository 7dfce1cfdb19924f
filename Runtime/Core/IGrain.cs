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
}
