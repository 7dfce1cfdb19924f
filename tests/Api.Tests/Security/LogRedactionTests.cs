using System.Net;
using System.Net.Http.Headers;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Security;

/// <summary>
/// OWASP API2/API8: the silo's log (what its Serilog console sink writes, text or JSON) never holds
/// a password, an access or refresh token, an API key, or an <c>access_token=</c> value, while
/// every request still gets its one line with method, path, status and request id.
/// </summary>
public sealed class LogRedactionTests
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CredentialsInQueryAndHeadersNeverReachTheLog(bool json)
    {
        ConsoleCapture.Start();
        await using var factory = await StartAsync(json);
        using var client = factory.CreateClient();
        var secret = "qs-secret-" + Guid.NewGuid().ToString("N");
        var bearer = "bearer-secret-" + Guid.NewGuid().ToString("N");
        var apiKey = "key-secret-" + Guid.NewGuid().ToString("N");
        var requestId = "log-test-" + Guid.NewGuid().ToString("N");

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/hubs/status/negotiate?access_token={secret}&Refresh_Token={secret}&api_key={secret}&keep=visible");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        request.Headers.Add("X-API-Key", apiKey);
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await client.SendAsync(request);

        var line = await ConsoleCapture.WaitForLineAsync(LogWait, requestId, "responded");

        // Compact JSON carries the query as a property of its own; text renders it into the line.
        var query = json ? System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("Query").GetString()! : line;
        Assert.Contains("/hubs/status/negotiate", line, StringComparison.Ordinal);
        Assert.Contains("access_token=[redacted]", query, StringComparison.Ordinal);
        Assert.Contains("Refresh_Token=[redacted]", query, StringComparison.Ordinal);
        Assert.Contains("keep=visible", query, StringComparison.Ordinal);
        Assert.Contains(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
        var log = ConsoleCapture.Text;
        Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        Assert.DoesNotContain(bearer, log, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey, log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RegisteringAndLoggingInNeverLogThePasswordOrTheTokens(bool json)
    {
        ConsoleCapture.Start();
        await using var factory = await StartAsync(json);
        using var client = factory.CreateClient();

        var user = await client.RegisterAsync();
        using var wrong = await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password + "-wrong" });
        using var login = await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        var session = await login.ReadJsonAsync();
        var accessToken = session.GetProperty("access_token").GetString()!;
        var refreshToken = session.GetProperty("refresh_token").GetString()!;
        using var refresh = await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = refreshToken });
        var refreshed = await refresh.ReadJsonAsync();
        client.WithBearer(refreshed.GetProperty("access_token").GetString()!);
        using var key = await client.PostJsonAsync("/api/v1/api-keys", new { name = "log-test" });
        var apiKey = (await key.ReadJsonAsync()).GetProperty("key").GetString()!;
        using var marker = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        var requestId = "log-test-" + Guid.NewGuid().ToString("N");
        marker.Headers.Add("X-Request-Id", requestId);
        using var me = await client.SendAsync(marker);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        // The last request's line is there, so everything logged before it is too. It names the caller.
        var line = await ConsoleCapture.WaitForLineAsync(LogWait, requestId, "responded");
        if (json)
        {
            Assert.Equal(user.Id, System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("UserId").GetString());
        }
        var log = ConsoleCapture.Text;
        Assert.Contains("/api/v1/auth/login", log, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, log, StringComparison.Ordinal);
        Assert.DoesNotContain(user.AccessToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(user.RefreshToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(refreshToken, log, StringComparison.Ordinal);
        Assert.DoesNotContain(refreshed.GetProperty("refresh_token").GetString()!, log, StringComparison.Ordinal);
        Assert.DoesNotContain(apiKey, log, StringComparison.Ordinal);
    }

    private static async Task<ApiFactory> StartAsync(bool json)
    {
        var factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Logging:Json"] = json ? "true" : "false",
        });
        factory.StartServer();
        return factory;
    }
}
