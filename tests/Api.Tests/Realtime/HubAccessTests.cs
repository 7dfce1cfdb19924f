using System.Net;
using Microsoft.AspNetCore.SignalR;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Realtime.Client;

namespace OrleansHub.Api.Tests.Realtime;

/// <summary>Who may read which stream, and what ends a connection or a subscription.</summary>
public sealed class HubAccessTests(RealtimeFixture api) : IClassFixture<RealtimeFixture>
{
    private const string Refusal = "Unknown stream, or not one you may read.";

    [Fact]
    public async Task StreamsOfOthersUnknownKindsAndMalformedIdsAreRefusedAlikeAndDeliverNothing()
    {
        ConsoleCapture.Start();
        var owner = await api.RegisterAsync();
        var stranger = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        var task = await api.CreateTaskAsync(owner, workspace, "sleep", "30");
        var marker = await api.CreateWorkspaceAsync(stranger);
        await using var ownerHub = await api.ConnectAsync(owner);
        await ownerHub.SubscribeAsync($"task:{task}");
        await using var strangerHub = await api.ConnectAsync(stranger);
        await strangerHub.SubscribeAsync($"workspace:{marker}");

        string[] refused =
        [
            $"workspace:{workspace}", $"task:{task}", $"user:{owner.Id}", $"task:{Guid.NewGuid():N}", $"workspace:{Guid.NewGuid():N}",
            "nosuchkind:1", "workspace", "workspace:", ":x", "workspace:../etc", $"workspace:{new string('a', 65)}",
        ];
        foreach (var stream in refused)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => strangerHub.SubscribeAsync(stream, 0));
            Assert.True(error.Message.EndsWith("HubException: " + Refusal, StringComparison.Ordinal), $"{stream}: {error.Message}");
        }

        await api.RenameAsync(owner, workspace, "secret plans");
        await api.CancelTaskAsync(owner, task);
        await ownerHub.EventsUntilAsync(e => e.Type == "task.status" && e.Data.GetProperty("status").GetString() == "cancelled");
        var received = Assert.Single(await api.ReceivedBeforeMarkerAsync(stranger, marker, strangerHub));
        Assert.DoesNotContain(received, i => i.Target == "event");
        // A refusal is an answer, not a server fault: no error with a stack trace per refused call in the log.
        Assert.DoesNotContain("Failed to invoke hub method", ConsoleCapture.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCallersOwnUserStreamIsJoinedAtConnect()
    {
        var user = await api.RegisterAsync();
        await using var hub = await api.ConnectAsync(user);
        var other = await LoginAsync(user);

        // Ending another session of the same user emits on user:{id}; this connection's session lives on.
        using (var client = api.Factory.CreateClient().WithBearer(other.GetProperty("access_token").GetString()!))
        using (var logout = await client.PostAsync("/api/v1/auth/logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var revoked = Assert.Single(await hub.EventsUntilAsync(e => e.Type == "session.revoked"));
        Assert.Equal($"user:{user.Id}", revoked.Stream);
        Assert.False(hub.Closed.IsCompleted);
        Assert.Equal($"user:{user.Id}", (await hub.InvokeAsync("Subscribe", $"user:{user.Id}", null)).GetProperty("stream").GetString());
    }

    [Fact]
    public async Task LogoutClosesTheConnectionsOfThatSession()
    {
        var user = await api.RegisterAsync();
        await using var hub = await api.ConnectAsync(user);
        var workspace = await api.CreateWorkspaceAsync(user);
        await hub.SubscribeAsync($"workspace:{workspace}");

        using (var client = api.As(user))
        using (var logout = await client.PostAsync("/api/v1/auth/logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var close = await hub.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(close.AllowReconnect);
        await Assert.ThrowsAsync<HttpRequestException>(() => api.ConnectAsync(user));
    }

    [Fact]
    public async Task ARemovedMemberReceivesNothingMoreFromTheWorkspaceOrItsTasks()
    {
        var owner = await api.RegisterAsync();
        var member = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        await api.AddMemberAsync(owner, workspace, member);
        var task = await api.CreateTaskAsync(owner, workspace, "sleep", "30");
        var marker = await api.CreateWorkspaceAsync(member);
        await using var ownerHub = await api.ConnectAsync(owner);
        await ownerHub.SubscribeAsync($"task:{task}", 0);
        await ownerHub.EventsUntilAsync(e => e.Type == "task.status" && e.Data.GetProperty("status").GetString() == "running");
        await ownerHub.SubscribeAsync($"workspace:{workspace}");

        // One connection follows only the task (whose stream carries no membership events), one only the workspace.
        await using var taskHub = await api.ConnectAsync(member);
        await taskHub.SubscribeAsync($"task:{task}");
        await taskHub.SubscribeAsync($"workspace:{marker}");
        await using var workspaceHub = await api.ConnectAsync(member);
        await workspaceHub.SubscribeAsync($"workspace:{marker}");
        var removalSeq = await workspaceHub.SubscribeAsync($"workspace:{workspace}") + 1;

        await api.RemoveMemberAsync(owner, workspace, member);

        var taskEnd = await taskHub.NextAsync();
        Assert.Equal("unsubscribed", taskEnd.Target);
        Assert.Equal($"task:{task}", taskEnd.Argument.GetProperty("stream").GetString());
        Assert.Equal("access_revoked", taskEnd.Argument.GetProperty("reason").GetString());
        // The workspace's own stream stops at the latest with the event that removed the member.
        var workspaceEnd = await workspaceHub.NextAsync();
        if (workspaceEnd.Target == "event")
        {
            var removal = HubEvent.From(workspaceEnd.Argument);
            Assert.Equal((removalSeq, "workspace.member"), (removal.Seq, removal.Type));
            workspaceEnd = await workspaceHub.NextAsync();
        }
        Assert.Equal("unsubscribed", workspaceEnd.Target);
        Assert.Equal($"workspace:{workspace}", workspaceEnd.Argument.GetProperty("stream").GetString());

        await api.RenameAsync(owner, workspace, "after the removal");
        await api.CancelTaskAsync(owner, task);
        await ownerHub.EventsUntilAsync(e => e.Stream == $"task:{task}" && e.Data.GetProperty("status").GetString() == "cancelled");
        Assert.All(await api.ReceivedBeforeMarkerAsync(member, marker, taskHub, workspaceHub), Assert.Empty);
        await Assert.ThrowsAsync<HubException>(() => taskHub.SubscribeAsync($"task:{task}", 0));
    }

    [Fact]
    public async Task AnApiKeyConnectsAndSubscribes()
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        var (_, key) = await CreateApiKeyAsync(owner);

        await using var hub = await StatusHubClient.ConnectAsync(api.Server, apiKey: key);
        var lastSeq = await hub.SubscribeAsync($"workspace:{workspace}");
        await api.RenameAsync(owner, workspace, "via key");

        var update = Assert.Single(await hub.EventsUntilAsync(e => e.Stream == $"workspace:{workspace}"));
        Assert.Equal(lastSeq + 1, update.Seq);
    }

    [Fact]
    public async Task RevokingAnApiKeyClosesTheConnectionsMadeWithItAtOnce()
    {
        // The fixture's credential re-check runs once a day, so only the revocation event can close it here.
        var owner = await api.RegisterAsync();
        var (keyId, key) = await CreateApiKeyAsync(owner);
        var (_, otherKey) = await CreateApiKeyAsync(owner);
        await using var keyHub = await StatusHubClient.ConnectAsync(api.Server, apiKey: key);
        await using var otherKeyHub = await StatusHubClient.ConnectAsync(api.Server, apiKey: otherKey);
        await using var ownerHub = await api.ConnectAsync(owner);

        using (var client = api.As(owner))
        using (var revoked = await client.DeleteAsync($"/api/v1/api-keys/{keyId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var close = await keyHub.Closed.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(close.AllowReconnect);
        // The owner's other connections see the event on user:{id} and stay.
        var revocation = Assert.Single(await ownerHub.EventsUntilAsync(e => e.Type == "api_key.revoked"));
        Assert.Equal((keyId, "hub"), (revocation.Data.GetProperty("api_key_id").GetString(), revocation.Data.GetProperty("name").GetString()));
        // A round trip after the event: a close would have come first and failed the call.
        await otherKeyHub.UnsubscribeAsync("nosuchkind:1");
        Assert.False(otherKeyHub.Closed.IsCompleted);
        Assert.False(ownerHub.Closed.IsCompleted);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => StatusHubClient.ConnectAsync(api.Server, apiKey: key));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    public async Task NegotiateWithoutValidCredentialsIs401(string? token)
    {
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => StatusHubClient.ConnectAsync(api.Server, accessToken: token));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var http = api.Factory.CreateClient();
        using var connect = await http.GetAsync($"/hubs/status?id=x&access_token={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, connect.StatusCode);
        await connect.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task OnlyTheSameOriginAndConfiguredOriginsMayConnectFromABrowser()
    {
        var user = await api.RegisterAsync();

        var foreign = await Assert.ThrowsAsync<HttpRequestException>(
            () => StatusHubClient.ConnectAsync(api.Server, accessToken: user.AccessToken, origin: "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using (var response = await NegotiateAsync(user, "https://evil.example"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        }
        using (var allowed = await NegotiateAsync(user, RealtimeFixture.AllowedOrigin))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Equal(RealtimeFixture.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
        await using (var allowedHub = await StatusHubClient.ConnectAsync(api.Server, accessToken: user.AccessToken, origin: RealtimeFixture.AllowedOrigin))
        {
            Assert.Equal($"user:{user.Id}", (await allowedHub.InvokeAsync("Subscribe", $"user:{user.Id}", null)).GetProperty("stream").GetString());
        }
        var sameOrigin = api.Server.GetLeftPart(UriPartial.Authority);
        await using var hub = await StatusHubClient.ConnectAsync(api.Server, accessToken: user.AccessToken, origin: sameOrigin);
        Assert.Equal($"user:{user.Id}", (await hub.InvokeAsync("Subscribe", $"user:{user.Id}", null)).GetProperty("stream").GetString());
    }

    [Fact]
    public async Task TheAccessTokenOfAHubConnectionNeverReachesTheLog()
    {
        ConsoleCapture.Start();
        var user = await api.RegisterAsync();
        // The token in the query string, as browsers send it (the .NET client's AccessTokenProvider sends a header);
        // the trace parameter finds this connection's lines in the log.
        var trace = Guid.NewGuid().ToString("N");
        var hub = await StatusHubClient.ConnectAsync(api.Server, query: $"access_token={Uri.EscapeDataString(user.AccessToken)}&trace={trace}");
        await hub.SubscribeAsync($"user:{user.Id}");
        await hub.DisposeAsync();

        // The request log line of the WebSocket request (101, not negotiate's 200) is written when the connection ends.
        var line = await ConsoleCapture.WaitForLineAsync(TimeSpan.FromSeconds(20), trace, "responded 101");
        Assert.Contains("/hubs/status", line, StringComparison.Ordinal);
        Assert.Contains("access_token=[redacted]", line, StringComparison.Ordinal);
        Assert.DoesNotContain(user.AccessToken, ConsoleCapture.Text, StringComparison.Ordinal);
    }

    private async Task<(string Id, string Key)> CreateApiKeyAsync(SignedInUser owner)
    {
        using var client = api.As(owner);
        using var created = await client.PostJsonAsync("/api/v1/api-keys", new { name = "hub" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.ReadJsonAsync();
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    private async Task<HttpResponseMessage> NegotiateAsync(SignedInUser user, string origin)
    {
        using var http = api.Factory.CreateClient().WithBearer(user.AccessToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/status/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);
        return await http.SendAsync(request);
    }

    private async Task<System.Text.Json.JsonElement> LoginAsync(SignedInUser user)
    {
        using var client = api.Factory.CreateClient();
        using var response = await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
