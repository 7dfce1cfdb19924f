using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.TestSupport;

namespace OrleansHub.Outbox.Tests.Infrastructure;

/// <summary>A silo of the outbox tests: the test grains, their index table (Sql/), and the test's <see cref="Probe"/>.</summary>
public sealed class OutboxTestSilo : IHubSiloConfigurator
{
    public IEnumerable<Assembly> MigrationAssemblies => [typeof(OutboxTestSilo).Assembly];

    public void Configure(ISiloBuilder silo)
    {
        var probe = Probe.For(silo.Configuration[Probe.SettingKey]);
        silo.Services.AddSingleton(probe);
        // Reminders in seconds, not minutes (Orleans warns below one minute).
        silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromMilliseconds(100));
    }
}
