using OrleansHub.Grains.Interfaces.Streams;


namespace OrleansHub.Api.Realtime.Policies;

/// <summary><c>user:{id}</c>: only that user (every connection joins its own at connect).</summary>
internal sealed class UserStreamAccess : IStreamAccessPolicy
{
    public const string StreamKind = StreamNames.User;

    public string Kind => StreamKind;

    public ValueTask<bool> CanReadAsync(string userId, string key, IGrainFactory grains, CancellationToken cancellationToken) =>
        ValueTask.FromResult(string.Equals(userId, key, StringComparison.Ordinal));
}
