using Orleans.Runtime;
using OrleansHub.Api.RequestIds;

namespace OrleansHub.Silo.Hosting;

/// <summary>
/// Every grain call that carries a request id (put in Orleans' request context by the API) runs inside a logging
/// scope with it, so the grain's logs and its storage's, on whichever silo, carry the same <c>RequestId</c> as the
/// request's own log lines.
/// </summary>
internal sealed class RequestIdLogScope(ILogger<RequestIdLogScope> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (RequestContext.Get(RequestIds.ContextKey) is not string requestId)
        {
            await context.Invoke();
            return;
        }
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            await context.Invoke();
        }
    }
}
