using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace OrleansHub.Api.RequestLogging;

/// <summary>
/// One structured line per request, written when the response is done: method, path, query (values
/// of credential-like keys replaced by <c>[redacted]</c>), status, duration and request id. It
/// replaces Serilog.AspNetCore's request logging, which cannot be restored here. Headers and bodies
/// are never logged: they carry the Authorization header, API keys, passwords and tokens.
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    /// <summary>Query keys whose values are secrets (browsers send the hub's access token this way).</summary>
    public static readonly HashSet<string> SensitiveQueryKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "access_token", "refresh_token", "id_token", "token", "api_key", "apikey", "key", "password", "secret", "code", "signature", "sig",
    };

    public const string Redacted = "[redacted]";

    private const int MaxQueryLength = 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            // Only reaches here when the response had already started; the server aborts it.
            failed = true;
            throw;
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var request = context.Request;
                Completed(
                    logger,
                    request.Method,
                    (request.PathBase + request.Path).ToUriComponent(),
                    RedactQuery(request.QueryString),
                    failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    context.TraceIdentifier);
            }
        }
    }

    /// <summary>
    /// The query with every value of a sensitive key replaced, re-encoded (so control characters
    /// cannot forge log lines) and cut to a sane length. Empty when there is no query.
    /// </summary>
    internal static string RedactQuery(QueryString query)
    {
        if (!query.HasValue || query.Value!.Length <= 1)
        {
            return string.Empty;
        }

        var builder = new StringBuilder("?");
        foreach (var pair in new QueryStringEnumerable(query.Value))
        {
            if (builder.Length > 1)
            {
                builder.Append('&');
            }

            var name = pair.DecodeName().ToString();
            builder.Append(Uri.EscapeDataString(name)).Append('=');
            builder.Append(SensitiveQueryKeys.Contains(name) ? Redacted : Uri.EscapeDataString(pair.DecodeValue().ToString()));
            if (builder.Length > MaxQueryLength)
            {
                return builder.ToString(0, MaxQueryLength) + "...";
            }
        }

        return builder.ToString();
    }

    [LoggerMessage(1, LogLevel.Information, "HTTP {Method} {Path}{Query} responded {StatusCode} in {ElapsedMs:0.0} ms (request {RequestId})")]
    private static partial void Completed(ILogger logger, string method, string path, string query, int statusCode, double elapsedMs, string requestId);
}
