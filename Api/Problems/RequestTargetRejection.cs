using Microsoft.AspNetCore.Http.Features;

namespace OrleansHub.Api.Problems;

/// <summary>
/// Request targets no URL of this API has, refused with 400 VALIDATION_ERROR (field <c>path</c>) before routing.
/// <para>
/// Dot segments: Kestrel resolves <c>.</c> and <c>..</c> path segments before routing (RFC 3986 remove_dot_segments), so
/// <c>DELETE /api/v1/workspaces/{id}/members/..</c> reached <c>DELETE /api/v1/workspaces/{id}</c>: a request meant
/// for one resource acted on another. No URL of this API contains such a segment, so a request target that does
/// (also percent-encoded, <c>%2e</c>, <c>%2E%2E</c>) is refused, looking at the target as the client sent it (<see cref="IHttpRequestFeature.RawTarget"/>).
/// </para>
/// <para>
/// Control characters: a decoded path with one (<c>%00</c>, <c>%0a</c>) would reach routing, logs and route values;
/// no id or route of ours has one.
/// </para>
/// </summary>
internal sealed class RequestTargetRejection(RequestDelegate next, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        string? refusal = null;
        if (target is not null && HasDotSegment(target))
        {
            refusal = "The path must not contain \".\" or \"..\" segments.";
        }
        else if (context.Request.Path.Value is { } path && (path.AsSpan().ContainsAnyInRange('\0', '\x1f') || path.Contains('\x7f', StringComparison.Ordinal)))
        {
            refusal = "The path must not contain control characters.";
        }
        if (refusal is null)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["path"] = [refusal],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
            },
        }).AsTask();
    }

    /// <summary>True when the path of a request target (origin or absolute form) has a <c>.</c> or <c>..</c> segment.</summary>
    internal static bool HasDotSegment(string target)
    {
        var path = target.AsSpan();
        var scheme = path.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0 && path[0] != '/')
        {
            // Absolute form (http://host/path): the path starts at the first slash after the authority.
            path = path[(scheme + 3)..];
            var slash = path.IndexOf('/');
            path = slash < 0 ? [] : path[slash..];
        }
        var end = path.IndexOfAny('?', '#');
        if (end >= 0)
        {
            path = path[..end];
        }

        foreach (var range in path.Split('/'))
        {
            if (IsDots(path[range]))
            {
                return true;
            }
        }
        return false;
    }

    // ".", "..", with any of the dots written as %2e or %2E.
    private static bool IsDots(ReadOnlySpan<char> segment)
    {
        var dots = 0;
        while (!segment.IsEmpty)
        {
            if (segment[0] == '.')
            {
                segment = segment[1..];
            }
            else if (segment.Length >= 3 && segment[0] == '%' && segment[1] == '2' && segment[2] is 'e' or 'E')
            {
                segment = segment[3..];
            }
            else
            {
                return false;
            }
            dots++;
        }
        return dots is 1 or 2;
    }
}
