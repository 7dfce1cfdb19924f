using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansHub.Api.Conventions.Proxies;
using OrleansHub.Api.Conventions.RateLimiting;
using OrleansHub.Api.Conventions.Security;
using OrleansHub.Api.OpenApi;
using OrleansHub.Api.Problems;

namespace OrleansHub.Api.Conventions;

/// <summary>
/// The conventions every endpoint gets (docs/api.md "Conventions"): problems for every error, rate limits,
/// body size limit, security headers, CORS allow-list, compression, validation problems, OpenAPI.
/// The outermost pieces run from <see cref="HubApiStartupFilter"/>; the rate limiter runs after
/// authentication (it partitions by caller). docs/security.md says what each one defends against.
/// </summary>
public static class ConventionsSetup
{
    /// <summary>Response headers a cross-origin page may read.</summary>
    private static readonly string[] ExposedHeaders =
        ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "Location"];

    /// <summary>Request headers a cross-origin page may send (the hub's client adds its own two).</summary>
    private static readonly string[] AllowedHeaders =
        ["Authorization", "Content-Type", "X-API-Key", "X-Request-Id", "Idempotency-Key", "Last-Event-ID", "X-Requested-With", "X-SignalR-User-Agent"];

    public static IServiceCollection AddHubConventions(this IServiceCollection services)
    {
        // Problems: domain, runtime and binding errors through one handler. Binding failures throw
        // (instead of an empty 400) so the handler can name the field.
        services.AddExceptionHandler<HubExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        // DataAnnotations on request records, checked before the handler runs; failures are
        // HttpValidationProblemDetails written through the problem details service, so they get
        // code and request_id like every other problem; ProblemCodes turns their CLR member keys
        // into JSON field names.
        services.AddValidation();

        services.AddHubRateLimiting();
        services.AddTrustedProxies();

        services.AddOptions<RequestLimitOptions>().BindConfiguration(RequestLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.Configure<KestrelServerOptions>(options =>
        {
            options.AddServerHeader = false;

            // Kestrel refuses a header value with a non-ASCII byte before any middleware runs: an empty 400 without
            // X-Request-Id. X-Request-Id is the one header clients fill with free text, so it is read as Latin-1
            // instead; RequestIdMiddleware then replaces an id that is not a short token with a fresh one. Other
            // headers keep Kestrel's rule (docs/security.md, "Rejections before the API's code").
            options.RequestHeaderEncodingSelector = name =>
                string.Equals(name, RequestIds.RequestIdMiddleware.HeaderName, StringComparison.OrdinalIgnoreCase) ? Encoding.Latin1 : null;
        });

        services.AddOptions<HubCorsOptions>().BindConfiguration(HubCorsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<HubCorsOptions>>((options, cors) =>
            options.AddDefaultPolicy(policy => policy
                .WithOrigins(cors.Value.AllowedOrigins)
                .WithHeaders(AllowedHeaders)
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .WithExposedHeaders(ExposedHeaders)
                .AllowCredentials()
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "application/problem+json", "image/svg+xml"];
        });
        services.AddSingleton<IResponseCompressionProvider, SecretResponseCompressionProvider>();
        services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(options => options.Level = CompressionLevel.Fastest);

        services.AddHubOpenApi();
        return services;
    }

    /// <summary>Middleware that must run after authentication (the rate limiter partitions by caller).</summary>
    public static WebApplication UseHubConventions(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The OpenAPI document and the API page, both anonymous.</summary>
    public static IEndpointRouteBuilder MapHubConventions(this IEndpointRouteBuilder routes)
    {
        routes.MapHubOpenApi();
        routes.MapApiPage();
        return routes;
    }

    /// <summary>
    /// The conventions' outer middleware, in the order <see cref="HubApiStartupFilter"/> needs them
    /// after the request id, request log, exception handler and status code pages.
    /// </summary>
    internal static IApplicationBuilder UseHubOuterConventions(this IApplicationBuilder app) => app
        .UseMiddleware<SecurityHeadersMiddleware>()
        .UseCors()
        .UseResponseCompression()
        .UseMiddleware<RequestBodyLimitMiddleware>();
}
