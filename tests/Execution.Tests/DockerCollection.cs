namespace OrleansHub.Execution.Tests;

/// <summary>Docker tests share one engine and run one at a time: container creation on vfs is CPU-heavy.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection
{
    public const string Name = "Docker";
}
