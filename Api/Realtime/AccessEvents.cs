using System.Text.Json;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Streams;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;

namespace OrleansHub.Api.Realtime;

/// <summary>Reads the few stream events that change who may read what (their shapes: Grains/*Events.cs).</summary>
internal static class AccessEvents
{
    public const string MemberType = WorkspaceEventTypes.Member;
    public const string DeletedType = WorkspaceEventTypes.Deleted;

    /// <summary>The user a <c>workspace.member</c> event removed (role null), if it is one.</summary>
    public static string? RemovedMember(StoredStreamEvent streamEvent)
    {
        if (streamEvent.Type != MemberType)
        {
            return null;
        }
        using var data = JsonDocument.Parse(streamEvent.DataJson);
        var root = data.RootElement;
        var removed = !root.TryGetProperty("role", out var role) || role.ValueKind == JsonValueKind.Null;
        return removed && root.TryGetProperty("user_id", out var user) ? user.GetString() : null;
    }

    /// <summary>True when the event ends <paramref name="userId"/>'s access to the workspace (removed, or the workspace deleted).</summary>
    public static bool EndsAccessOf(StoredStreamEvent streamEvent, string userId) =>
        streamEvent.Type == DeletedType || (streamEvent.Type == MemberType && RemovedMember(streamEvent) == userId);

    /// <summary>The session a <c>session.revoked</c> event on <c>user:{id}</c> ended, if it is one.</summary>
    public static string? RevokedSession(StoredStreamEvent streamEvent)
    {
        if (streamEvent.Type != IdentityEvent.SessionRevokedType)
        {
            return null;
        }
        using var data = JsonDocument.Parse(streamEvent.DataJson);
        return data.RootElement.TryGetProperty("session_id", out var session) ? session.GetString() : null;
    }

    /// <summary>The API key an <c>api_key.revoked</c> event on <c>user:{id}</c> revoked, if it is one.</summary>
    public static string? RevokedApiKey(StoredStreamEvent streamEvent)
    {
        if (streamEvent.Type != IdentityEvent.ApiKeyRevokedType)
        {
            return null;
        }
        using var data = JsonDocument.Parse(streamEvent.DataJson);
        return data.RootElement.TryGetProperty("api_key_id", out var key) ? key.GetString() : null;
    }
}
