namespace OrleansHub.Silo.Tests.Cluster;

/// <summary>
/// The tests that run several silo processes, one class at a time and with nothing else of this assembly beside
/// them: three silos each already fill a two-core machine, and failure detection (2 s probes) must not mistake a
/// starved silo for a dead one.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
