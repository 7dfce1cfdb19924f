using System.Net;

namespace OrleansHub.Api.Tests.Infrastructure;

public sealed class ServerSmokeTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task TheFactoryServesOverRealKestrelOnLoopback()
    {
        using var client = api.CreateClient();

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("127.0.0.1", client.BaseAddress!.Host);
        Assert.NotEqual(5000, client.BaseAddress.Port);
        Assert.True(response.Headers.Contains("X-Request-Id"));
    }
}
