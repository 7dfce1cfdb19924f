using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Security;

/// <summary>
/// OWASP API5 (broken function level authorization) by construction: every endpoint the silo maps
/// requires an authenticated caller, or is on this explicit list of anonymous ones. A new endpoint
/// that forgets its auth fails here, whoever wrote it.
/// </summary>
public sealed class RouteTableTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>docs/api.md: everything needs auth except register, login, refresh, the menu, health, metrics, the docs and the dashboard.</summary>
    private static readonly (string Method, string Pattern)[] Anonymous =
    [
        ("POST", "/api/v1/auth/register"),
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/refresh"),
        ("GET", "/api/v1/stores/{id}/menu"),
        ("GET", "/health/live"),
        ("GET", "/health/ready"),
        ("GET", "/metrics"),
        ("GET", "/openapi/v1.json"),
        ("GET", "/api-docs/{**path}"),
        ("GET", "/"),
        ("GET", "/dashboard/{**path}"),
    ];

    [Fact]
    public void EveryEndpointRequiresAuthenticationOrIsOnTheAnonymousList()
    {
        var fallback = api.Factory.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy;

        var offenders = Endpoints()
            .Where(endpoint => !RequiresAuthentication(endpoint, fallback) && !IsListedAnonymous(endpoint))
            .Select(Describe)
            .ToList();

        Assert.True(offenders.Count == 0, "Anonymous endpoints not on the allow-list:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void TheListedAnonymousEndpointsThatExistAreReallyAnonymous()
    {
        // Otherwise clients could not log in, and the list would be lying about the contract.
        var fallback = api.Factory.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy;

        var listed = Endpoints().Where(IsListedAnonymous).ToList();

        Assert.Contains(listed, endpoint => endpoint.RoutePattern.RawText == "/health/live");
        Assert.Contains(listed, endpoint => endpoint.RoutePattern.RawText == "/openapi/v1.json");
        Assert.All(listed, endpoint => Assert.False(RequiresAuthentication(endpoint, fallback), Describe(endpoint) + " should be anonymous"));
    }

    [Fact]
    public void TheCheckCatchesAnEndpointWithoutAuthorizationMetadata()
    {
        var fallback = api.Factory.Services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy;
        var forgotten = new RouteEndpoint(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/api/v1/forgotten"),
            0, new EndpointMetadataCollection(new AllowAnonymousAttribute(), new HttpMethodMetadata(["GET"])), "forgotten");

        Assert.False(RequiresAuthentication(forgotten, fallback));
        Assert.False(IsListedAnonymous(forgotten));
    }

    private IEnumerable<RouteEndpoint> Endpoints() =>
        api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    // What the authorization middleware does: explicit anonymity wins; otherwise any authorization
    // metadata, or the fallback policy when there is none, demands a caller.
    private static bool RequiresAuthentication(Endpoint endpoint, AuthorizationPolicy? fallback)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return false;
        }

        var policies = metadata.GetOrderedMetadata<AuthorizationPolicy>();
        var data = metadata.GetOrderedMetadata<IAuthorizeData>();
        var requirements = metadata.GetOrderedMetadata<IAuthorizationRequirementData>();
        return data.Count > 0 || policies.Count > 0 || requirements.Count > 0 || fallback is not null;
    }

    private static bool IsListedAnonymous(RouteEndpoint endpoint)
    {
        var pattern = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
        return Anonymous.Any(entry =>
            string.Equals(entry.Pattern, pattern, StringComparison.OrdinalIgnoreCase)
            && methods.Count > 0
            && methods.All(method => method == entry.Method || method == "HEAD"));
    }

    private static string Describe(RouteEndpoint endpoint) =>
        string.Join(",", endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]) + " /" + endpoint.RoutePattern.RawText?.TrimStart('/');
}
