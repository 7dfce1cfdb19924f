using OrleansHub.Api.OpenApi;

namespace OrleansHub.Api.Conventions.Security;

/// <summary>
/// Browser-facing hardening on every response, errors included (set when the response starts, so
/// the exception handler's header reset cannot drop them).
/// </summary>
/// <remarks>
/// The Content-Security-Policy fits both the JSON API (nothing to render) and the dashboard page,
/// which loads plain ES modules, styles and images from this origin and talks to it over fetch and
/// WebSockets (CSP Level 3 lets <c>'self'</c> match ws:/wss: of the same host). No inline script,
/// no eval, no framing by anyone. The API page (Swagger UI) sets inline styles and data: icons, so
/// it alone also gets <c>style-src 'unsafe-inline'</c>; it still runs no inline script.
/// </remarks>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string ApiPageContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ApiPage.Path)
                ? ApiPageContentSecurityPolicy
                : ContentSecurityPolicy;
            if (context.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            // API answers are per caller and often carry personal data or tokens: no shared or
            // browser caches unless an endpoint decided otherwise.
            if (context.Request.Path.StartsWithSegments("/api") && !headers.ContainsKey("Cache-Control"))
            {
                headers.CacheControl = "no-store";
            }

            headers.Remove("Server");
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
