namespace OrleansHub.LoadTest;

/// <summary>
/// Sends each REST request to the next silo in turn, as a load balancer without stickiness does (REST needs none):
/// the writers' requests reach every silo of the cluster evenly. The harness does this itself instead of through a
/// reverse proxy in its own process: on a 2-core machine a proxy's hop would add its CPU and its latency to every
/// request the harness times and charge both to the cluster (docs/performance.md, "Load harness on a cluster").
/// </summary>
internal sealed class RoundRobinHandler(IReadOnlyList<Uri> silos, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly long[] _sent = new long[silos.Count];
    private long _next = -1;

    /// <summary>Requests sent to each silo so far.</summary>
    public long[] Sent => [.. _sent.Select((_, i) => Interlocked.Read(ref _sent[i]))];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var silo = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)silos.Count);
        Interlocked.Increment(ref _sent[silo]);
        var target = silos[silo];
        request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
        return base.SendAsync(request, cancellationToken);
    }
}
