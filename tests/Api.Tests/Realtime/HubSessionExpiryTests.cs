using System.Net;
using OrleansHub.Api.Tests.Realtime.Client;

namespace OrleansHub.Api.Tests.Realtime;

/// <summary>A hub whose sessions last 8 seconds (the refresh token as long), so one can be seen to end.</summary>
public sealed class ShortSessionFixture : RealtimeFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Auth:SessionLifetime"] = "00:00:08",
        ["Auth:RefreshTokenLifetime"] = "00:00:08",
    };
}

/// <summary>A connection made with a session ends when the session does, not at the next credential re-check.</summary>
public sealed class HubSessionExpiryTests(ShortSessionFixture api) : IClassFixture<ShortSessionFixture>
{
    [Fact]
    public async Task AConnectionClosesWhenItsSessionExpires()
    {
        // The fixture's re-check runs once a day: only the session's own end can close the connection here.
        var user = await api.RegisterAsync();
        await using var hub = await api.ConnectAsync(user);
        var workspace = await api.CreateWorkspaceAsync(user);
        await hub.SubscribeAsync($"workspace:{workspace}");

        var close = await hub.Closed.WaitAsync(TimeSpan.FromSeconds(40));

        Assert.False(close.AllowReconnect);
        // The access token itself is still within its lifetime; the session behind it is not.
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => api.ConnectAsync(user));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
