using System.Reflection;
using OrleansHub.Runtime.Activation;
using OrleansHub.Runtime.Hosting;

namespace OrleansHub.Runtime.Calls;

/// <summary>Delivers calls to activations in this silo.</summary>
internal sealed class LocalGrainCallInvoker(Catalog catalog, RuntimeLog log, RuntimeMetrics metrics) : IGrainCallInvoker
{
    private readonly RuntimeLog _log = log;
    private volatile bool _accepting;

    public Task<TResult> InvokeAsync<TResult>(GrainId target, MethodDescriptor<TResult> method, object?[] arguments, bool newGrain)
    {
        // While stopping, calls made by running grain code still go through so their turns can finish.
        if (!_accepting && ActivationScheduler.Running is null)
        {
            return Task.FromException<TResult>(new SiloUnavailableException());
        }
        var request = new GrainRequest<TResult>(method.Invoke, arguments, method.AlwaysInterleave, keepsAlive: true) { NewGrain = newGrain };
        metrics.CallMade();
        catalog.Dispatch(target, request);
        return request.Task;
    }

    public Task Forget(GrainId target, MethodInfo method, Task call)
    {
        if (call.IsCompletedSuccessfully)
        {
            return Task.CompletedTask;
        }
        call.ContinueWith(
            static (failed, state) =>
            {
                var (invoker, grain, name) = ((LocalGrainCallInvoker, GrainId, string))state!;
                invoker._log.OneWayCallFailed(name, grain, failed.Exception!.GetBaseException());
            },
            (this, target, method.Name),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public void Start() => _accepting = true;

    public void StopAcceptingExternalCalls() => _accepting = false;
}
