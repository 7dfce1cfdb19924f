using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansHub.Api.Conventions.RateLimiting;

/// <summary>
/// The ASP.NET Core rate limiter with OrleansHub's partitions (see <see cref="RateLimitOptions"/>):
/// a global per-address limit for anonymous traffic, and the <c>per-caller</c> and <c>auth</c>
/// policies routes opt into. A rejection is a 429 problem (RATE_LIMIT_EXCEEDED) with
/// <c>Retry-After</c>; every rate-limited response, rejected or not, carries
/// <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and <c>X-RateLimit-Reset</c> (Unix
/// seconds) for the route's own policy, or for the anonymous limit on routes without one.
/// </summary>
internal static partial class HubRateLimiting
{
    public const string AnonymousPolicy = "anonymous";

    /// <summary>Claim naming the API key a principal authenticated with (set by the API key handler).</summary>
    public const string ApiKeyIdClaim = "api_key_id";

    /// <summary>Claim naming the user (JWT <c>sub</c>).</summary>
    public const string SubjectClaim = "sub";

    private const string HeaderSourceItem = "OrleansHub.RateLimit.Source";

    public static IServiceCollection AddHubRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WindowLimiterRegistry>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitOptions>, WindowLimiterRegistry>((options, limits, registry) => Configure(options, limits.Value, registry));
        return services;
    }

    private static void Configure(RateLimiterOptions options, RateLimitOptions limits, WindowLimiterRegistry registry)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = OnRejectedAsync;

        // Authenticated callers are not limited here: per-caller limits them by identity, which is
        // fairer than by address (many users behind one NAT) and harder to dodge (one user, many addresses).
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            context.User.Identity?.IsAuthenticated == true
                ? RateLimitPartition.GetNoLimiter("authenticated")
                : Partition(context, registry, AnonymousPolicy, ClientAddress(context), limits.Anonymous));

        options.AddPolicy(RateLimitPolicies.PerCaller, context =>
            Partition(context, registry, RateLimitPolicies.PerCaller, Caller(context), limits.PerCaller));
        options.AddPolicy(RateLimitPolicies.Auth, context =>
            Partition(context, registry, RateLimitPolicies.Auth, ClientAddress(context), limits.Auth));
    }

    /// <summary>Per API key, else per user, else per client address.</summary>
    internal static string Caller(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            if (user.FindFirst(ApiKeyIdClaim)?.Value is { Length: > 0 } keyId)
            {
                return "key:" + keyId;
            }

            if (user.FindFirst(SubjectClaim)?.Value is { Length: > 0 } subject)
            {
                return "user:" + subject;
            }
        }

        return ClientAddress(context);
    }

    /// <summary>
    /// The connection's address; an IPv6 client is limited per /64, the block one subscriber usually
    /// gets, or it could rotate through addresses at will. Behind a reverse proxy this is the proxy
    /// unless the host configures forwarded headers.
    /// </summary>
    internal static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "ip:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return "ip:" + new IPAddress(bytes) + "/64";
        }

        return "ip:" + address;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, WindowLimiterRegistry registry, string policy, string caller, WindowLimit limit)
    {
        var key = policy + "|" + caller;

        // The global limiter runs first and a route's policy second, so the route's policy ends up
        // as the one the headers describe. One OnStarting callback reads whichever is recorded last.
        if (!context.Items.ContainsKey(HeaderSourceItem))
        {
            context.Response.OnStarting(static state => WriteHeaders((HttpContext)state), context);
        }

        context.Items[HeaderSourceItem] = new HeaderSource(registry, key, limit);
        return RateLimitPartition.Get(key, partitionKey => registry.GetOrCreate(partitionKey, limit));
    }

    private static Task WriteHeaders(HttpContext context)
    {
        if (context.Items[HeaderSourceItem] is HeaderSource source)
        {
            var state = source.Registry.Find(source.Key)?.State ?? source.Registry.Fresh(source.Limit);
            var headers = context.Response.Headers;
            headers["X-RateLimit-Limit"] = state.Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = Math.Max(0, state.Remaining).ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Reset"] = state.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        }

        return Task.CompletedTask;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

        var source = context.Items[HeaderSourceItem] as HeaderSource;
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubRateLimiting).FullName!);
        Rejected(logger, source?.Key ?? "unknown", seconds);

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Type = "https://tools.ietf.org/html/rfc6585#section-4",
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Rate limit exceeded; retry after {seconds} seconds.",
            },
        });
    }

    private sealed record HeaderSource(WindowLimiterRegistry Registry, string Key, WindowLimit Limit);

    [LoggerMessage(1, LogLevel.Information, "Rate limit exceeded for {Partition}; retry after {RetryAfterSeconds} s")]
    private static partial void Rejected(ILogger logger, string partition, int retryAfterSeconds);
}
