using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansHub.Grains.Identity;
using OrleansHub.Outbox.Streams;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Infrastructure;

/// <summary>
/// A cluster of domain silos (<see cref="DomainSiloConfigurator"/>) on a real PostgreSQL database. Tests call grains
/// through the cluster's client, so arguments, results and exceptions are serialized as they are for the API.
/// Disposing it stops its silos gracefully (activations deactivate, the silos leave the membership); a cluster
/// started afterwards on the same database shares the state and reminders.
/// </summary>
public sealed class DomainSilo : IAsyncDisposable
{
    /// <summary>Configuration key of the PBKDF2 iterations (1,000 unless a test says otherwise: the production floor is slow).</summary>
    public const string IterationsKey = $"{PasswordHashingOptions.Section}:{nameof(PasswordHashingOptions.Iterations)}";

    private DomainSilo(HubCluster cluster) => Cluster = cluster;

    public HubCluster Cluster { get; }

    /// <summary>Grain references through the cluster's client.</summary>
    public IGrainFactory Grains => Cluster.Grains;

    /// <summary>The stream subscriptions of the first silo.</summary>
    public StreamSubscriptions Streams => Cluster.Service<StreamSubscriptions>();

    /// <summary>
    /// Starts <paramref name="silos"/> silos; <paramref name="settings"/> are configuration keys such as
    /// "Tasks:MaxRunningPerWorkspace" or "Reminders:MinimumReminderPeriod".
    /// </summary>
    public static async Task<DomainSilo> StartAsync(string connectionString, IDictionary<string, string?>? settings = null, short silos = 1)
    {
        var configuration = new Dictionary<string, string?> { [IterationsKey] = "1000" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        return new DomainSilo(await HubCluster.StartAsync<DomainSiloConfigurator>(connectionString, configuration, silos));
    }

    /// <summary>
    /// Activations across the cluster now of the grains of type <paramref name="grainType"/> (its [GrainType] name)
    /// with one of <paramref name="keys"/>, as Orleans' management grain reports them.
    /// </summary>
    public async Task<int> ActivationsOfAsync(string grainType, IReadOnlyCollection<string> keys)
    {
        var ids = keys.Select(key => GrainId.Create(grainType, key)).ToHashSet();
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Count(s => ids.Contains(s.GrainId));
    }

    /// <summary>
    /// Waits until exactly <paramref name="expected"/> of the grains <paramref name="keys"/> of <paramref name="grainType"/>
    /// are activated (deactivation finishes after the call that asked for it has answered, and Orleans signals
    /// nothing a test could await); fails after 10 seconds.
    /// </summary>
    public async Task WaitForActivationsAsync(string grainType, IReadOnlyCollection<string> keys, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int count;
        while ((count = await ActivationsOfAsync(grainType, keys)) != expected)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{count} of the '{grainType}' grains {string.Join(", ", keys)} are still activated, not {expected}.");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>The reminders Orleans holds for a grain (read from its reminder table).</summary>
    public async Task<IReadOnlyList<string>> RemindersOfAsync(string grainType, string key)
    {
        var rows = await Cluster.Service<IReminderTable>().ReadRows(GrainId.Create(grainType, key));
        return [.. rows.Reminders.Select(r => r.ReminderName)];
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
