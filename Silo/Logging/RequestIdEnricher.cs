using Orleans.Runtime;
using OrleansHub.Api.RequestIds;
using Serilog.Core;
using Serilog.Events;

namespace OrleansHub.Silo.Logging;

/// <summary>
/// Gives a log event written inside a grain call the id of the request that made the call: the API puts it in
/// Orleans' request context, which travels with every grain call to any silo. Read when an event is written, so a
/// call that logs nothing costs nothing. Events that already carry one (the API's own, from its logging scope) keep it.
/// </summary>
internal sealed class RequestIdEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (RequestContext.Get(RequestIds.ContextKey) is string requestId)
        {
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("RequestId", requestId));
        }
    }
}
