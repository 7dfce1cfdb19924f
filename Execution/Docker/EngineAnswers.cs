using System.Collections.Immutable;

namespace OrleansHub.Execution.Docker;

/// <summary>A container as listed by the engine, checked (<see cref="DockerEngine"/>).</summary>
internal sealed record ContainerSummary(string Id, string State, ImmutableDictionary<string, string> Labels);

/// <summary>The parts of a container inspection the executor uses, checked.</summary>
internal sealed record ContainerDetails(
    string Id, string Status, bool Running, int? ExitCode, bool OomKilled, DateTimeOffset? StartedAt, ImmutableDictionary<string, string> Labels);
