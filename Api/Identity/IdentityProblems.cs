using Microsoft.AspNetCore.Http.HttpResults;

namespace OrleansHub.Api.Identity;

/// <summary>
/// The expected refusals of the identity endpoints as problems (the problem details service adds
/// <c>code</c> and <c>request_id</c>). Returned directly rather than thrown: they are answers, not errors.
/// </summary>
internal static class IdentityProblems
{
    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>The client's address for the audit log.</summary>
    public static string? ClientIp(this HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    /// <summary>A UUID route value in the canonical form grains are keyed by; false for anything else (answer 404).</summary>
    public static bool TryCanonicalId(string value, out string id)
    {
        id = Guid.TryParse(value, out var guid) ? guid.ToString() : "";
        return id.Length > 0;
    }
}
