using System.Text.Json;

namespace OrleansHub.Api.Problems;

/// <summary>The machine-readable <c>code</c> of every problem response (see docs/api.md, "Conventions").</summary>
internal static class ProblemCodes
{
    public const string ValidationError = "VALIDATION_ERROR";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string Conflict = "CONFLICT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimitExceeded = "RATE_LIMIT_EXCEEDED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string SandboxUnavailable = "SANDBOX_UNAVAILABLE";

    /// <summary>Name of the extension member carrying the code.</summary>
    public const string CodeMember = "code";

    /// <summary>Name of the extension member carrying the request id (as in <c>X-Request-Id</c>).</summary>
    public const string RequestIdMember = "request_id";

    /// <summary>
    /// <see cref="HttpContext.Items"/> key set by code whose validation errors are keyed by JSON paths already,
    /// map keys included (<c>env.PATH</c>): those keys are written as they are, not through the CLR-name conversion.
    /// </summary>
    public static readonly object KeysAreJsonPaths = new();

    // 405 and 415 are not in docs/api.md's table; they get their own codes rather than VALIDATION_ERROR,
    // which would send a client looking for field errors that are not there.
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ValidationError,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimitExceeded,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        >= 500 => InternalError,
        _ => ValidationError,
    };

    /// <summary>
    /// Adds <c>code</c> (unless the endpoint chose one) and <c>request_id</c> to a problem, and drops
    /// anything that could carry exception text: problems describe the request, never the server.
    /// </summary>
    public static void AddCodeAndRequestId(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        var extensions = problem.Extensions;
        extensions.TryAdd(CodeMember, ForStatus(status));
        extensions[RequestIdMember] = context.HttpContext.TraceIdentifier;

        // The framework's developer exception page attaches this one; a response never shows it.
        extensions.Remove("exception");

        if (problem is HttpValidationProblemDetails validation && !context.HttpContext.Items.ContainsKey(KeysAreJsonPaths))
        {
            UseJsonFieldNames(validation.Errors);
        }
        if (status >= StatusCodes.Status500InternalServerError && problem.Detail is not null && context.Exception is not null)
        {
            problem.Detail = null;
        }
    }

    /// <summary>
    /// Validation errors are keyed by the JSON names clients send (<c>display_name</c>,
    /// <c>items[0].unit_price</c>). The framework's DataAnnotations validation keys them by CLR
    /// member (<c>DisplayName</c>); those keys are converted, snake_case ones are left alone.
    /// </summary>
    internal static void UseJsonFieldNames(IDictionary<string, string[]> errors)
    {
        if (!errors.Keys.Any(key => key.Any(char.IsUpper)))
        {
            return;
        }

        var renamed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, messages) in errors)
        {
            var name = JsonFieldName(key);
            renamed[name] = renamed.TryGetValue(name, out var existing) ? [.. existing, .. messages] : messages;
        }

        errors.Clear();
        foreach (var (key, messages) in renamed)
        {
            errors[key] = messages;
        }
    }

    // Each dotted segment's member name goes through the API's naming policy; indexers stay.
    private static string JsonFieldName(string key) => string.Join('.', key.Split('.').Select(segment =>
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        var member = bracket < 0 ? segment : segment[..bracket];
        return JsonNamingPolicy.SnakeCaseLower.ConvertName(member) + (bracket < 0 ? "" : segment[bracket..]);
    }));
}
