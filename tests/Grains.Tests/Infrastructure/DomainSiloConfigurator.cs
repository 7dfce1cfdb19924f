using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Execution;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Infrastructure;

/// <summary>
/// A silo of the domain tests, wired like Silo/Program.cs: every domain grain and service (AddHubGrains,
/// AddTaskExecution) and the domain's migrations. Tests tune it through configuration: PBKDF2 iterations
/// ("Auth:Passwords:Iterations", bound by AddHubGrains; the silos run in the Testing environment, which allows few) and Orleans' reminder timing ("Reminders:*", bound by the outbox,
/// for example MinimumReminderPeriod, so a reminder can fire in milliseconds instead of minutes).
/// </summary>
public sealed class DomainSiloConfigurator : IHubSiloConfigurator
{
    public IEnumerable<Assembly> MigrationAssemblies => [typeof(GrainsSetup).Assembly];

    public void Configure(ISiloBuilder silo)
    {
        silo.Services.AddHubGrains();
        silo.Services.AddTaskExecution();
    }
}
