using Microsoft.AspNetCore.SignalR;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Realtime.Client;

namespace OrleansHub.Api.Tests.Realtime;

/// <summary>A hub that lets each user hold two connections.</summary>
public sealed class TwoConnectionsFixture : RealtimeFixture
{
    public const int Cap = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Realtime:MaxConnectionsPerUser"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>docs/realtime.md "Limits": open hub connections are capped per user on a node, over all their sessions.</summary>
public sealed class HubConnectionCapTests(TwoConnectionsFixture api) : IClassFixture<TwoConnectionsFixture>
{
    [Fact]
    public async Task TheConnectionOverTheCapIsRefusedWithAReasonAndAClosedOneFreesItsPlace()
    {
        var user = await api.RegisterAsync();
        var other = await api.RegisterAsync();
        await using var first = await api.ConnectAsync(user);
        var second = await api.ConnectAsync(user); // disposed below, to free its place

        var refused = await ConnectOverTheCapAsync(user);
        Assert.True(refused.CloseMessage);
        Assert.Contains("Too many open connections", refused.Error, StringComparison.Ordinal);
        Assert.False(refused.AllowReconnect);

        // Other users are not counted against this one.
        await using var stranger = await api.ConnectAsync(other);

        // The ones already open still work.
        var workspace = await api.CreateWorkspaceAsync(user);
        await first.SubscribeAsync($"workspace:{workspace}");

        await second.DisposeAsync();
        await using var third = await ConnectWhenFreedAsync(user);
        await third.SubscribeAsync($"workspace:{workspace}");
    }

    [Fact]
    public async Task TheCapCountsEverySessionOfTheUser()
    {
        var user = await api.RegisterAsync();
        var secondSession = await LoginAsync(user);
        await using var first = await api.ConnectAsync(user);
        await using var second = await api.ConnectAsync(secondSession);

        var refused = await ConnectOverTheCapAsync(secondSession);

        Assert.Contains("Too many open connections", refused.Error, StringComparison.Ordinal);
    }

    private async Task<Identity.SignedInUser> LoginAsync(Identity.SignedInUser user)
    {
        using var client = api.Factory.CreateClient();
        using var response = await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = Identity.IdentityApiFixture.Password });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return Identity.SignedInUser.From(await response.ReadJsonAsync(), user.Email);
    }

    private async Task<HubClose> ConnectOverTheCapAsync(Identity.SignedInUser user)
    {
        // Started without a call: the server refuses in OnConnectedAsync, after the handshake, with a close message.
        await using var client = await StatusHubClient.ConnectAsync(api.Server, accessToken: user.AccessToken, ready: false);
        return await client.Closed.WaitAsync(TimeSpan.FromSeconds(20));
    }

    // The server frees the place when it has handled the disconnect, a moment after the client's socket closed;
    // a refusal meanwhile is that moment, so try again (bounded).
    private async Task<StatusHubClient> ConnectWhenFreedAsync(Identity.SignedInUser user)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await api.ConnectAsync(user);
            }
            // The refusal fails the set-up call, or comes before it is sent (the connection is no longer active).
            catch (Exception exception) when (exception is HubException or InvalidOperationException && attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
    }
}
