using System.Collections.Frozen;
using System.Security.Cryptography;

namespace OrleansHub.Api.Dashboard;

/// <summary>
/// The live dashboard (docs/dashboard.md): <c>GET /</c> is its page, <c>GET /dashboard/{path}</c> its
/// scripts and styles. The files are embedded in this assembly (Api/Dashboard/wwwroot), so a silo serves
/// them with no build step and no file system. Anonymous: the page holds no data; its API calls carry
/// the user's bearer token.
/// </summary>
internal static class DashboardEndpoints
{
    public const string AssetPrefix = "/dashboard";

    private const string ResourcePrefix = "dashboard/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private static readonly Lazy<FrozenDictionary<string, Asset>> Assets = new(LoadAssets);

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("").WithTags("Dashboard").AllowAnonymous().ExcludeFromDescription();
        group.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext http) => Serve(http, "index.html"))
            .WithName("Dashboard");
        group.MapMethods(AssetPrefix + "/{**path}", [HttpMethods.Get, HttpMethods.Head], (string path, HttpContext http) => Serve(http, path))
            .WithName("DashboardAsset");
        return routes;
    }

    /// <summary>The embedded file at <paramref name="path"/> (relative to wwwroot), or null.</summary>
    internal static Asset? Find(string path) => Assets.Value.GetValueOrDefault(path);

    private static IResult Serve(HttpContext http, string path)
    {
        if (Find(path) is not { } asset)
        {
            return TypedResults.NotFound();
        }

        // Revalidate every time (a new silo version may change any file), but let the browser keep
        // the bytes: an unchanged file costs a 304.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch.ToString().Split(',', StringSplitOptions.TrimEntries).Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> LoadAssets()
    {
        var assembly = typeof(DashboardEndpoints).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue; // the refresh script and version record are not for browsers
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"";
            assets[name[ResourcePrefix.Length..]] = new Asset(content, contentType, etag);
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal sealed record Asset(byte[] Content, string ContentType, string ETag);
}
