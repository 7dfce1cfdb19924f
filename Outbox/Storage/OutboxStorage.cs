namespace OrleansHub.Outbox.Storage;

/// <summary>Names grains and hosts use to reach the outbox storage.</summary>
public static class OutboxStorage
{
    /// <summary>The name the outbox <see cref="Orleans.Storage.IGrainStorage"/> is registered under.</summary>
    public const string ProviderName = "outbox";
}
