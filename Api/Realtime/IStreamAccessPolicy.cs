
namespace OrleansHub.Api.Realtime;

/// <summary>
/// Decides whether a caller may read one kind of durable stream (the part before the colon: "workspace",
/// "task", "order", "store", "user"). Each feature registers one policy per kind it owns with
/// <c>services.AddSingleton&lt;IStreamAccessPolicy, ...&gt;()</c>; the hub asks the policy whose
/// <see cref="Kind"/> matches, and refuses streams of a kind nobody registered. A stream the caller may not
/// see and a stream that does not exist both answer false, so a refusal leaks nothing.
/// </summary>
public interface IStreamAccessPolicy
{
    /// <summary>The stream namespace this policy answers for, e.g. "order".</summary>
    string Kind { get; }

    /// <summary>True when the user may read the stream <c>{Kind}:{key}</c> now.</summary>
    ValueTask<bool> CanReadAsync(string userId, string key, IGrainFactory grains, CancellationToken cancellationToken);
}
