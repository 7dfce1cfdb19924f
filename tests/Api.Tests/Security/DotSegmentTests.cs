using System.Net;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Workspaces;

namespace OrleansHub.Api.Tests.Security;

/// <summary>
/// A request target with a <c>.</c> or <c>..</c> segment, plain or percent-encoded, is a 400 problem before routing:
/// Kestrel would resolve it and route the request to another resource. HttpClient normalises dot segments itself,
/// so these requests are built with canonicalisation off, as a hostile client sends them.
/// </summary>
public sealed class DotSegmentTests(DomainApiFixture api) : IClassFixture<DomainApiFixture>
{
    [Theory]
    [InlineData("..")]
    [InlineData("%2e%2e")]
    [InlineData("%2E%2E")]
    [InlineData(".%2E")]
    [InlineData(".")]
    public async Task DeletingAMemberNamedByDotSegmentsDoesNotDeleteTheWorkspace(string segment)
    {
        var owner = await api.RegisterAsync();
        var workspace = await api.CreateWorkspaceAsync(owner);
        using var client = api.As(owner);

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, Raw($"/api/v1/workspaces/{workspace}/members/{segment}")));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.NotEmpty(problem.FieldErrors("path"));
        using var still = await client.GetAsync($"/api/v1/workspaces/{workspace}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/./workspaces")]
    [InlineData("/api/v1/tasks/../workspaces?limit=1")]
    [InlineData("/health/%2e/ready")]
    public async Task DotSegmentsAnywhereInThePathAreRefusedAnonymousOrNot(string path)
    {
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Raw(path)));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task DotsInsideASegmentOrTheQueryAreNotDotSegments()
    {
        using var client = api.Factory.CreateClient();

        using var ready = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Raw("/health/ready?next=../x")));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var unknown = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Raw("/api/v1/workspaces/..x")));
        await unknown.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    private Uri Raw(string pathAndQuery) =>
        new(api.Factory.ClientOptions.BaseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
}
