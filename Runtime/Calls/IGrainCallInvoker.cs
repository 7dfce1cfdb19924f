namespace OrleansHub.Runtime.Calls;

/// <summary>
/// Carries a call from a grain reference to the grain's activation. The local invoker targets this
/// silo's catalog; a remote one (cluster) sends the same request to the owning silo.
/// </summary>
internal interface IGrainCallInvoker
{
    /// <summary>
    /// Calls <paramref name="method"/> on the grain. <paramref name="newGrain"/>: should this call activate it, the
    /// activation starts with empty state without reading storage (<see cref="IGrainFactory.GetNewGrain{TGrainInterface}"/>).
    /// </summary>
    Task<TResult> InvokeAsync<TResult>(GrainId target, MethodDescriptor<TResult> method, object?[] arguments, bool newGrain);

    /// <summary>For [OneWay] calls: observes the call's outcome (logging failures) and returns a completed task.</summary>
    Task Forget(GrainId target, System.Reflection.MethodInfo method, Task call);
}
