namespace OrleansHub.Runtime.Persistence;

/// <summary>A persistent state the activation reads before OnActivateAsync.</summary>
internal interface IStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken);
}
