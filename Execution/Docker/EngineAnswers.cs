using System.Collections.Immutable;

namespace OrleansHub.Execution.Docker;

/// <summary>A container as listed by the engine.</summary>
internal sealed record ContainerSummary(string Id, string State, ImmutableDictionary<string, string> Labels);

/// <summary>The parts of a container inspection the executor uses.</summary>
internal sealed record ContainerDetails(
    string Id, string Status, bool Running, int? ExitCode, bool OomKilled, DateTimeOffset? StartedAt, ImmutableDictionary<string, string> Labels);

/// <summary>A streaming engine answer (attach, wait); disposing it closes the connection.</summary>
internal sealed class EngineStream(HttpRequestMessage request, HttpResponseMessage response, Stream stream) : IAsyncDisposable
{
    public Stream Stream { get; } = stream;

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
        request.Dispose();
    }
}
