namespace OrleansHub.Api.Problems;

/// <summary>The machine-readable <c>code</c> of every problem response (see API.md, "Conventions").</summary>
internal static class ProblemCodes
{
    public const string ValidationError = "VALIDATION_ERROR";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string Conflict = "CONFLICT";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string RateLimitExceeded = "RATE_LIMIT_EXCEEDED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";

    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ValidationError,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status429TooManyRequests => RateLimitExceeded,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        >= 500 => InternalError,
        _ => ValidationError,
    };

    /// <summary>Adds <c>code</c> (unless the endpoint chose one) and <c>request_id</c> to a problem.</summary>
    public static void AddCodeAndRequestId(ProblemDetailsContext context)
    {
        var extensions = context.ProblemDetails.Extensions;
        extensions.TryAdd("code", ForStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode));
        extensions["request_id"] = context.HttpContext.TraceIdentifier;
    }
}
