using OrleansHub.Runtime.Activation;

namespace OrleansHub.Runtime.Calls;

/// <summary>Delivers calls to activations in this silo.</summary>
internal sealed class LocalGrainCallInvoker(Catalog catalog) : IGrainCallInvoker
{
    private volatile bool _accepting;

    public Task<TResult> InvokeAsync<TResult>(GrainId target, MethodDescriptor<TResult> method, object?[] arguments)
    {
        // While stopping, calls made by running grain code still go through so their turns can finish.
        if (!_accepting && ActivationScheduler.Running is null)
        {
            return Task.FromException<TResult>(new SiloUnavailableException());
        }
        var request = new GrainRequest<TResult>(method.Invoke, arguments, method.AlwaysInterleave, keepsAlive: true);
        catalog.Dispatch(target, request);
        return request.Task;
    }

    public void Start() => _accepting = true;

    public void StopAcceptingExternalCalls() => _accepting = false;
}
