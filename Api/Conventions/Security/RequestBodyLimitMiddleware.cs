using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace OrleansHub.Api.Conventions.Security;

/// <summary>
/// Caps request bodies at <see cref="RequestLimitOptions.MaxRequestBodyBytes"/>: a declared
/// Content-Length over the cap is a 413 problem before anything reads it; a chunked body is cut off
/// by the server when it passes the cap, which surfaces as a 413 <see cref="BadHttpRequestException"/>
/// that the exception handler turns into the same problem.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestLimitOptions> options)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > _limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Payload too large",
                    Detail = $"The request body may be at most {_limit} bytes.",
                },
            });
            return;
        }

        // Read-only once something has started reading the body, or for upgraded (WebSocket) requests.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = _limit;
        }

        await next(context);
    }
}
