using System.Net;
using System.Net.Http.Headers;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Security;

/// <summary>JSON is compressed, except where responses carry secrets (BREACH): /api/v1/auth and /api/v1/api-keys.</summary>
public sealed class CompressionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task JsonIsCompressedForClientsThatAskForIt(string encoding)
    {
        using var client = api.CreateClient();

        using var response = await GetAsync(client, "/openapi/v1.json", encoding);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task SessionResponsesCarryingTokensAreNeverCompressed()
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/register")
        {
            Content = JsonContent("""{"username":"compressme","email":"compress@example.test","password":"long-enough-password"}"""),
        };
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/auth/me")]
    [InlineData("/api/v1/api-keys")]
    public async Task AuthenticatedAnswersUnderTheSecretRoutesAreNotCompressed(string path)
    {
        using var client = api.CreateClient();
        client.WithBearer((await client.RegisterAsync()).AccessToken);

        using var response = await GetAsync(client, path, "br");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string encoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        return await client.SendAsync(request);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
