using Orleans.Runtime;

namespace OrleansHub.Outbox.Storage;

/// <summary>
/// A caller's promise that the grain it calls is new: it has just minted the key (a version 7 UUID), so nothing can
/// be stored under it and the activation may skip its storage read (docs/outbox.md, "New grains"). The promise rides
/// in Orleans' <see cref="RequestContext"/> and names the grain, so it only matters to an activation of that grain
/// created by this call; <see cref="NewGrainPromiseFilter"/> keeps it from travelling further than the caller's own
/// call. A broken promise loses nothing: the first write expects "no record", fails with an ETag mismatch if a row
/// exists, and the next activation reads the row.
/// </summary>
public static class NewGrains
{
    internal const string ContextKey = "orleanshub.new-grain";

    /// <summary>
    /// Makes the call <paramref name="call"/> on <paramref name="grain"/>, whose key the caller has just minted,
    /// promising that it is new: <c>grains.GetGrain&lt;ITaskGrain&gt;(id).CallAsNewAsync(g => g.CreateAsync(command))</c>.
    /// </summary>
    public static Task<TResult> CallAsNewAsync<TGrain, TResult>(this TGrain grain, Func<TGrain, Task<TResult>> call)
        where TGrain : IGrainWithStringKey
    {
        var previous = RequestContext.Get(ContextKey);
        RequestContext.Set(ContextKey, grain.GetGrainId().ToString());
        try
        {
            // The request context is copied into the message when the call is made, before this returns.
            return call(grain);
        }
        finally
        {
            if (previous is null)
            {
                RequestContext.Remove(ContextKey);
            }
            else
            {
                RequestContext.Set(ContextKey, previous);
            }
        }
    }

    /// <summary>True when the current request promises that <paramref name="grainId"/> is new.</summary>
    internal static bool IsPromised(GrainId grainId) =>
        RequestContext.Get(ContextKey) is string promised && promised == grainId.ToString();
}

/// <summary>Drops a new-grain promise from calls that grains make: it was meant for the caller's call only.</summary>
internal sealed class NewGrainPromiseFilter : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.SourceContext?.GrainInstance is not null && RequestContext.Get(NewGrains.ContextKey) is not null)
        {
            RequestContext.Remove(NewGrains.ContextKey);
        }
        return context.Invoke();
    }
}
