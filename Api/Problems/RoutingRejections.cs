using Microsoft.AspNetCore.Authorization;

namespace OrleansHub.Api.Problems;

/// <summary>
/// Routing answers a known path with the wrong method, or a body type no endpoint accepts, with endpoints of its
/// own (405, 415). They carry no metadata, so the fallback authorization policy would guard them and an
/// anonymous caller would get 401 for what is a plain client mistake. Runs after routing and before
/// authorization and marks exactly those two endpoints anonymous; every real endpoint is untouched.
/// </summary>
internal static class RoutingRejections
{
    // The display names ASP.NET Core's HttpMethodMatcherPolicy and AcceptsMatcherPolicy give them.
    private const string MethodNotAllowed = "405 HTTP Method Not Supported";
    private const string UnsupportedMediaType = "415 HTTP Unsupported Media Type";

    private static readonly AllowAnonymousAttribute Anonymous = new();

    public static IApplicationBuilder UseAnonymousRoutingRejections(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.GetEndpoint() is { DisplayName: MethodNotAllowed or UnsupportedMediaType } rejection
                && rejection.Metadata.GetMetadata<IAllowAnonymous>() is null)
            {
                context.SetEndpoint(new Endpoint(
                    rejection.RequestDelegate, new EndpointMetadataCollection([.. rejection.Metadata, Anonymous]), rejection.DisplayName));
            }
            return next(context);
        });
}
