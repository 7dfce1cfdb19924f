using System.Reflection;

namespace OrleansHub.Runtime.Calls;

/// <summary>
/// The proxy behind every grain reference: each interface call becomes a request to the grain.
/// Public only because DispatchProxy derives the generated proxy type from it.
/// </summary>
public class GrainReference : DispatchProxy
{
    private IGrainCallInvoker _invoker = null!;

    /// <summary>The grain this reference points at.</summary>
    public GrainId GrainId { get; private set; }

    internal void Initialize(GrainId grainId, IGrainCallInvoker invoker)
    {
        GrainId = grainId;
        _invoker = invoker;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        return MethodDescriptor.For(targetMethod).Send(_invoker, GrainId, args ?? []);
    }

    public override string ToString() => $"GrainReference({GrainId})";
}
