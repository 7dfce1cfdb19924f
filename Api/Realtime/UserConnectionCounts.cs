using System.Collections.Concurrent;

namespace OrleansHub.Api.Realtime;

/// <summary>
/// Open hub connections per user on this node, for <see cref="RealtimeOptions.MaxConnectionsPerUser"/>: without a
/// cap one account could hold thousands of connections, each with its buffer and stream watches. A user with none
/// has no entry, so the map holds only users who are connected.
/// </summary>
internal sealed class UserConnectionCounts
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Takes a place for one more connection of <paramref name="userId"/>; false when they hold <paramref name="max"/> already.</summary>
    public bool TryAcquire(string userId, int max)
    {
        while (true)
        {
            if (_counts.TryGetValue(userId, out var count))
            {
                if (count >= max)
                {
                    return false;
                }
                if (_counts.TryUpdate(userId, count + 1, count))
                {
                    return true;
                }
            }
            else if (_counts.TryAdd(userId, 1))
            {
                return true;
            }
        }
    }

    /// <summary>Gives back the place of a connection that <see cref="TryAcquire"/> let in.</summary>
    public void Release(string userId)
    {
        while (_counts.TryGetValue(userId, out var count))
        {
            if (count <= 1 ? _counts.TryRemove(new KeyValuePair<string, int>(userId, count)) : _counts.TryUpdate(userId, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>The user's open connections on this node.</summary>
    public int Of(string userId) => _counts.GetValueOrDefault(userId);
}
