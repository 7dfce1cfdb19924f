using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.OrleansDashboard;

/// <summary>
/// docs/operations.md "Orleans Dashboard", turned on: the package's page and data API at /admin/orleans for
/// administrators only (bearer token, API key, or the browser cookie a signed-in admin session obtains), with the
/// API's problems and rate limits.
/// </summary>
public sealed class OrleansDashboardTests(EnabledOrleansDashboardFixture api) : IClassFixture<EnabledOrleansDashboardFixture>
{
    public static TheoryData<string> Paths => ["/admin/orleans/", "/admin/orleans/DashboardCounters"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task AnAnonymousCallerGets401Problem(string path)
    {
        using var client = api.Anonymous();

        using var response = await client.GetAsync(path);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task ANonAdminGets403Problem(string path)
    {
        using var response = await api.GetAsync(api.User, path);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task AnAdminWithABearerTokenGetsThePageAndItsData()
    {
        using var client = api.As(api.Admin);

        using var page = await client.GetAsync("/admin/orleans/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var counters = await api.CountersListingThisSiloAsync();
        Assert.Equal(1, counters.GetProperty("totalActiveHostCount").GetInt32());
    }

    [Fact]
    public async Task AnAdminsApiKeyReadsTheDataApi()
    {
        using var admin = api.As(api.Admin);
        using var created = await admin.PostJsonAsync("/api/v1/api-keys", new { name = "dashboard-script" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Add("X-API-Key", (await created.ReadJsonAsync()).GetProperty("key").GetString());

        using var counters = await client.GetAsync("/admin/orleans/DashboardCounters");
        using var session = await client.PostAsync("/admin/orleans/session", null);

        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        // A key has no session to bind a browser cookie to.
        await session.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.False(session.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task TheSessionCookieIsHttpOnlySecureStrictAndScopedToTheDashboard()
    {
        var setCookie = (await api.OpenSessionAsync(api.Admin)).ToLowerInvariant();

        Assert.StartsWith("orleanshub_dashboard=", setCookie, StringComparison.Ordinal);
        Assert.Contains("path=/admin/orleans", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.Ordinal);
        Assert.Contains("secure", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", setCookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminsCookieOpensThePageAndItsDataCountedAgainstTheAdmin()
    {
        using var client = api.WithCookie(Cookie(await api.OpenSessionAsync(api.Admin)));

        using var page = await client.GetAsync("/admin/orleans/");
        using var counters = await client.GetAsync("/admin/orleans/DashboardCounters");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        // The per-caller partition, not the anonymous one: the cookie authenticated the request before the limiter.
        Assert.Equal(OrleansDashboardFixture.PerCallerLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Assert.Single(counters.Headers.GetValues("X-RateLimit-Limit")));
    }

    [Fact]
    public async Task TheCookieIsNoCredentialOutsideTheDashboard()
    {
        using var client = api.WithCookie(Cookie(await api.OpenSessionAsync(api.Admin)));

        using var response = await client.GetAsync("/api/v1/auth/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task ACookieCannotObtainItsSuccessor()
    {
        using var client = api.WithCookie(Cookie(await api.OpenSessionAsync(api.Admin)));

        using var response = await client.PostAsync("/admin/orleans/session", null);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task ANonAdminGetsNoCookie()
    {
        using var response = await api.PostSessionAsync(api.User);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task LoggingOutEndsTheCookie()
    {
        using var anonymous = api.Anonymous();
        var admin = await SecondAdminAsync();
        using var cookieClient = api.WithCookie(Cookie(await api.OpenSessionAsync(admin)));
        using (var before = await cookieClient.GetAsync("/admin/orleans/DashboardCounters"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var adminClient = api.As(admin))
        using (var logout = await adminClient.PostAsync("/api/v1/auth/logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        using var after = await cookieClient.GetAsync("/admin/orleans/DashboardCounters");
        await after.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task ADemotedAdminsCookieGets403()
    {
        var admin = await SecondAdminAsync();
        using var cookieClient = api.WithCookie(Cookie(await api.OpenSessionAsync(admin)));

        await api.SetRoleAsync(admin, "user");

        using var response = await cookieClient.GetAsync("/admin/orleans/");
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task ClosingTheSessionExpiresTheCookie()
    {
        using var client = api.WithCookie(Cookie(await api.OpenSessionAsync(api.Admin)));

        using var response = await client.DeleteAsync("/admin/orleans/session");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("orleanshub_dashboard=;", setCookie, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", setCookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGrainStateViewerIsClosedEvenToAdmins()
    {
        using var response = await api.GetAsync(api.Admin, $"/admin/orleans/GrainState?grainId={api.Admin.Id}&grainType=OrleansHub.Grains.Identity.UserGrain");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task TheLiveLogStreamIsOff()
    {
        using var response = await api.GetAsync(api.Admin, "/admin/orleans/Trace");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Theory]
    [InlineData("/admin/orleans/SiloCounters/not-a-silo")]
    [InlineData("/admin/orleans/SiloProperties/127.0.0.1:99999999999@1")]
    [InlineData("/admin/orleans/HistoricalStats/127.0.0.1")]
    public async Task AMalformedSiloAddressIsA400Problem(string path)
    {
        using var response = await api.GetAsync(api.Admin, path);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task TheSiloAddressesTheDashboardListsAreAccepted()
    {
        using var client = api.As(api.Admin);
        var silo = (await api.CountersListingThisSiloAsync()).GetProperty("hosts")[0].GetProperty("siloAddress").GetString();

        using var response = await client.GetAsync($"/admin/orleans/SiloCounters/{silo}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task TheSignInPageIsServedAnonymouslyWithItsScriptAsAFile()
    {
        using var client = api.Anonymous();

        using var page = await client.GetAsync("/admin/orleans/sign-in");
        using var script = await client.GetAsync("/admin/orleans/sign-in.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script type=\"module\" src=\"/admin/orleans/sign-in.js\"></script>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/admin/orleans/session", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheDashboardsGrainCallFilterIsRegistered()
    {
        var filters = api.Factory.Services.GetServices<IIncomingGrainCallFilter>();

        Assert.Contains(filters, filter => filter.GetType().Assembly.GetName().Name == "Orleans.Dashboard");
    }

    /// <summary>The name=value part of a Set-Cookie header.</summary>
    private static string Cookie(string setCookie) => setCookie.Split(';')[0];

    private async Task<TestUser> SecondAdminAsync()
    {
        using var client = api.Anonymous();
        var user = await client.RegisterAsync();
        await api.SetRoleAsync(user, "admin");
        return user;
    }
}

/// <summary>docs/operations.md "Orleans Dashboard", left off (the default): nothing of it exists.</summary>
public sealed class OrleansDashboardOffTests(DisabledOrleansDashboardFixture api) : IClassFixture<DisabledOrleansDashboardFixture>
{
    [Theory]
    [InlineData("/admin/orleans/")]
    [InlineData("/admin/orleans/DashboardCounters")]
    [InlineData("/admin/orleans/sign-in")]
    public async Task ItsPathsAre404EvenForAnAdmin(string path)
    {
        using var response = await api.GetAsync(api.Admin, path);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task NoSessionCanBeOpened()
    {
        using var response = await api.PostSessionAsync(api.Admin);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public void NoGrainCallFilterOfTheDashboardIsRegistered()
    {
        var filters = api.Factory.Services.GetServices<IIncomingGrainCallFilter>();

        Assert.DoesNotContain(filters, filter => filter.GetType().Assembly.GetName().Name == "Orleans.Dashboard");
    }
}
