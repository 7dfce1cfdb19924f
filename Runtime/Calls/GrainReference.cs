using System.Reflection;

namespace OrleansHub.Runtime.Calls;

/// <summary>
/// The proxy behind every grain reference: each interface call becomes a request to the grain.
/// Public only because DispatchProxy derives the generated proxy type from it.
/// </summary>
public class GrainReference : DispatchProxy
{
    private IGrainCallInvoker _invoker = null!;

    // 1 until the first call of a reference from GetNewGrain: that call alone carries the "no stored state" promise.
    private int _newGrain;

    /// <summary>The grain this reference points at.</summary>
    public GrainId GrainId { get; private set; }

    internal void Initialize(GrainId grainId, IGrainCallInvoker invoker, bool newGrain)
    {
        GrainId = grainId;
        _invoker = invoker;
        _newGrain = newGrain ? 1 : 0;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var newGrain = _newGrain == 1 && Interlocked.Exchange(ref _newGrain, 0) == 1;
        return MethodDescriptor.For(targetMethod).Send(_invoker, GrainId, args ?? [], newGrain);
    }

    public override string ToString() => $"GrainReference({GrainId})";
}
