using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using OrleansHub.Api.Auth;
using Serilog;
using Serilog.Extensions.Hosting;

namespace OrleansHub.Api.RequestLogging;

/// <summary>
/// One structured line per request, written by Serilog.AspNetCore's request logging when the response is done:
/// method, path, query (values of credential-like keys replaced by <c>[redacted]</c>), status, duration, request
/// id and, once authenticated, the caller's user id. Headers and bodies are never logged: they carry the
/// Authorization header, API keys, passwords and tokens.
/// </summary>
internal static class RequestLogSetup
{
    /// <summary>Query keys whose values are secrets (browsers send the hub's access token this way).</summary>
    public static readonly HashSet<string> SensitiveQueryKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "access_token", "refresh_token", "id_token", "token", "api_key", "apikey", "key", "password", "secret", "code", "signature", "sig",
    };

    public const string Redacted = "[redacted]";

    // {Path} and {Query} are ours, re-encoded: Serilog's own RequestPath is the decoded path, which could carry
    // characters that forge lines in the text format.
    private const string Template = "HTTP {RequestMethod} {Path}{Query} responded {StatusCode} in {Elapsed:0.0} ms (request {RequestId})";

    private const int MaxQueryLength = 1024;

    /// <summary>
    /// Adds the request log when the host logs through Serilog (the silo does: <c>AddSerilog</c>), writing to the
    /// host's logger rather than the static one, so two hosts in one process (tests) keep their lines apart.
    /// </summary>
    public static void UseRequestLog(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<Serilog.ILogger>() is not { } logger || app.ApplicationServices.GetService<DiagnosticContext>() is null)
        {
            return;
        }
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = logger;
            options.MessageTemplate = Template;
            options.EnrichDiagnosticContext = Enrich;
            options.GetLevel = Level;
        });
    }

    // A 503 is an answer the service means (draining, the database away, a silo failing over): a warning. Other
    // 5xx, and an exception after the response started, are errors.
    private static Serilog.Events.LogEventLevel Level(HttpContext context, double elapsedMs, Exception? exception) =>
        exception is not null ? Serilog.Events.LogEventLevel.Error
        : context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable ? Serilog.Events.LogEventLevel.Warning
        : context.Response.StatusCode >= 500 ? Serilog.Events.LogEventLevel.Error
        : Serilog.Events.LogEventLevel.Information;

    private static void Enrich(IDiagnosticContext log, HttpContext context)
    {
        var request = context.Request;
        log.Set("Path", (request.PathBase + request.Path).ToUriComponent());
        log.Set("Query", RedactQuery(request.QueryString));
        log.Set("RequestId", context.TraceIdentifier);
        if (context.User.FindFirstValue(HubClaims.Subject) is { } userId)
        {
            log.Set("UserId", userId);
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
}
