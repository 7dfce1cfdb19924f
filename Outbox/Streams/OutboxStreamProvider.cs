using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace OrleansHub.Outbox.Streams;

/// <summary>The Orleans stream provider that carries committed events live between silos.</summary>
internal sealed class OutboxStreamProvider(IServiceProvider services)
{
    /// <summary>The name the stream provider is registered under.</summary>
    public const string Name = "outbox";

    private IStreamProvider? _provider;

    public IStreamProvider Provider => _provider ??= services.GetRequiredKeyedService<IStreamProvider>(Name);
}
