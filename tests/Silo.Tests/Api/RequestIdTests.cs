using System.Net;
using System.Text.Json;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;

namespace OrleansHub.Silo.Tests.Api;

public sealed class RequestIdTests : IAsyncLifetime
{
    private ApiHost? _api;

    private HttpClient Client => _api!.Client;

    [Fact]
    public async Task TheClientsRequestIdIsEchoed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Request-Id", "client-chosen-42");

        using var response = await Client.SendAsync(request);

        Assert.Equal("client-chosen-42", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task ARequestWithoutAnIdGetsAFreshUuid()
    {
        using var first = await Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var second = await Client.GetAsync(new Uri("/health/live", UriKind.Relative));

        var firstId = Guid.Parse(Assert.Single(first.Headers.GetValues("X-Request-Id")));
        var secondId = Guid.Parse(Assert.Single(second.Headers.GetValues("X-Request-Id")));
        Assert.NotEqual(firstId, secondId);
    }

    [Fact]
    public async Task AnIdThatIsNotAPlainTokenIsReplaced()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.TryAddWithoutValidation("X-Request-Id", "forged id <script>");

        using var response = await Client.SendAsync(request);

        Assert.True(Guid.TryParse(Assert.Single(response.Headers.GetValues("X-Request-Id")), out _));
    }

    [Fact]
    public async Task AnUnknownRouteIsANotFoundProblemCarryingTheRequestId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no/such/route");
        request.Headers.Add("X-Request-Id", "trace-me");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("trace-me", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("NOT_FOUND", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("trace-me", problem.RootElement.GetProperty("request_id").GetString());
    }

    // These requests never reach the database.
    public async Task InitializeAsync() =>
        _api = await ApiHost.StartAsync($"Host=127.0.0.1;Port={EmbeddedPostgres.FindFreePort()};Username=postgres;Database=none");

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}
