using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Security;

/// <summary>OWASP API4 (resource consumption): bodies over <c>Limits:MaxRequestBodyBytes</c> are 413 problems.</summary>
public sealed class BodyLimitTests : IAsyncLifetime
{
    private const int Limit = 4096;
    private ApiFactory _factory = null!;

    [Fact]
    public async Task ADeclaredLengthOverTheLimitIs413BeforeAnythingReadsIt()
    {
        using var client = _factory.CreateClient();
        using var content = new ByteArrayContent(new byte[Limit + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/api/v1/auth/login", content);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task AChunkedBodyThatGrowsOverTheLimitIs413()
    {
        using var client = _factory.CreateClient();
        var json = "{\"email\":\"a@example.test\",\"password\":\"" + new string('x', Limit * 2) + "\"}";
        using var content = new ChunkedContent(Encoding.UTF8.GetBytes(json));

        using var response = await client.PostAsync("/api/v1/auth/login", content);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task ABodyUnderTheLimitIsAccepted()
    {
        using var client = _factory.CreateClient();

        using var response = await client.PostJsonAsync("/api/v1/auth/login", new { email = "nobody@example.test", password = new string('x', 1000) });

        // Read and judged on its merits: no such user.
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    public async Task InitializeAsync()
    {
        _factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["Limits:MaxRequestBodyBytes"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _factory.StartServer();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>Content without a length, so HttpClient sends it chunked and only reading it reveals its size.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(1024, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
