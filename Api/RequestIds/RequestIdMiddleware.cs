using System.Text.RegularExpressions;
using Orleans.Runtime;

namespace OrleansHub.Api.RequestIds;

/// <summary>
/// Gives every request an id: the client's <c>X-Request-Id</c> when it is a sane token,
/// otherwise a new UUID. The id becomes <see cref="HttpContext.TraceIdentifier"/> (so problem
/// responses report it), a logging scope property, the <c>request_id</c> of Orleans' request context
/// (grain and storage logs on any silo carry it), and the response's <c>X-Request-Id</c>.
/// </summary>
internal sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = FromClient(context.Request.Headers[HeaderName].ToString()) ?? Guid.CreateVersion7().ToString();
        context.TraceIdentifier = requestId;

        // OnStarting rather than setting the header now: the exception handler clears headers
        // before it writes its problem response.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = requestId;
            return Task.CompletedTask;
        });

        // Into Orleans' request context too: it travels with every grain call the request makes, to any silo, and
        // the silo's log enricher puts it on the log events of the grain and its storage (Silo/Logging/RequestIdEnricher.cs).
        RequestContext.Set(RequestIds.ContextKey, requestId);
        try
        {
            using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
            {
                await next(context);
            }
        }
        finally
        {
            RequestContext.Remove(RequestIds.ContextKey);
        }
    }

    // Echoing arbitrary client text into headers and logs invites injection; anything that is not
    // a short token gets a fresh id instead.
    private static string? FromClient(string value) => SafeToken().IsMatch(value) ? value : null;

    [GeneratedRegex(@"^[A-Za-z0-9._:+/=\-]{1,128}$")]
    private static partial Regex SafeToken();
}

/// <summary>Where a request's id travels with its grain calls.</summary>
public static class RequestIds
{
    /// <summary>The key of the request id in Orleans' request context.</summary>
    public const string ContextKey = "request_id";
}
