using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Dashboard;

/// <summary>
/// GET / (docs/api.md "Operations"): the dashboard page and its files, anonymous, from this origin only, and
/// runnable under the API's strict Content-Security-Policy. tests/e2e drives it in a real browser.
/// </summary>
public sealed partial class DashboardPageTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ThePageIsServedAnonymouslyAtTheRoot()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<script type=\"module\" src=\"/dashboard/app.js\"></script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePageRunsUnderTheStrictPolicyWithNoInlineScriptOrStyle()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);   // every script is a file
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.DoesNotMatch("\\sstyle=", html);
        Assert.DoesNotMatch("\\son[a-z]+=", html);                     // no inline event handlers
        Assert.All(References(html), reference => Assert.Matches("^(/dashboard/|data:)", reference));
    }

    [Fact]
    public async Task EveryFileThePageLoadsIsServedWithItsType()
    {
        using var client = api.CreateClient();
        var html = await client.GetStringAsync("/");
        var pending = new Queue<string>(References(html).Where(reference => reference.StartsWith("/dashboard/", StringComparison.Ordinal)));
        var seen = new HashSet<string>(StringComparer.Ordinal);

        while (pending.TryDequeue(out var path))
        {
            if (!seen.Add(path))
            {
                continue;
            }
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            var type = response.Content.Headers.ContentType?.MediaType;
            Assert.Equal(path.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", type);
            if (path.EndsWith(".js", StringComparison.Ordinal) && !path.Contains("/vendor/", StringComparison.Ordinal))
            {
                // Modules import their siblings: those must be served too.
                foreach (Match import in ModuleImport().Matches(await response.Content.ReadAsStringAsync()))
                {
                    pending.Enqueue("/dashboard/" + import.Groups["file"].Value);
                }
            }
        }

        Assert.Contains("/dashboard/vendor/signalr.min.js", seen);
        Assert.Contains("/dashboard/live.js", seen);
    }

    [Theory]
    [InlineData("/dashboard/nothing.js")]
    [InlineData("/dashboard/vendor/signalr.version")]
    [InlineData("/dashboard/../HubApi.cs")]
    [InlineData("/dashboard/%2e%2e/HubApi.cs")]
    [InlineData("/dashboard/DashboardEndpoints.cs")]
    public async Task OnlyTheDashboardsOwnFilesAreServed(string path)
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync(path);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task AnUnchangedFileIsRevalidatedWithNotModified()
    {
        using var client = api.CreateClient();
        using var first = await client.GetAsync("/dashboard/app.js");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(first.Headers.CacheControl?.NoCache, "files must be revalidated, so a new silo version is picked up");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ScriptsAreCompressedForBrowsersThatAskForIt()
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/vendor/signalr.min.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task TheVendoredSignalRClientIsTheRecordedPackageFile()
    {
        // refresh-signalr.sh records the file's SHA-256; a hand edit of the vendored file fails here.
        using var client = api.CreateClient();
        var bundle = await client.GetByteArrayAsync("/dashboard/vendor/signalr.min.js");
        using var record = typeof(OrleansHub.Api.HubApi).Assembly.GetManifestResourceStream("dashboard/vendor/signalr.version");
        Assert.NotNull(record);
        var lines = new StreamReader(record).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2)).ToDictionary(parts => parts[0], parts => parts[1]);

        Assert.Equal("@microsoft/signalr", lines["package"]);
        Assert.Equal(lines["sha256"], Convert.ToHexStringLower(SHA256.HashData(bundle)));
    }

    private static IEnumerable<string> References(string html) =>
        Reference().Matches(html).Select(match => match.Groups["url"].Value);

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]*)\"")]
    private static partial Regex Reference();

    [GeneratedRegex("from '\\./(?<file>[a-z-]+\\.js)'")]
    private static partial Regex ModuleImport();
}
