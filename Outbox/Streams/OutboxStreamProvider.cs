using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace OrleansHub.Outbox.Streams;

/// <summary>The Orleans stream provider that carries committed events live between silos.</summary>
internal sealed class OutboxStreamProvider(IServiceProvider services)
{
    /// <summary>
    /// The name the stream provider is registered under. Not "outbox": Orleans keeps a stream provider's pub-sub
    /// state in the grain storage of the same name when there is one, and it belongs in "PubSubStore" (Orleans'
    /// ADO.NET storage).
    /// </summary>
    public const string Name = "live";

    private IStreamProvider? _provider;

    public IStreamProvider Provider => _provider ??= services.GetRequiredKeyedService<IStreamProvider>(Name);
}
