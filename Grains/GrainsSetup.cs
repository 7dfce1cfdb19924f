using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansHub.Grains.Identity;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Orders;
using OrleansHub.Grains.Tasks;
using OrleansHub.Grains.Workspaces;

namespace OrleansHub.Grains;

/// <summary>
/// Services the domain grains need besides the runtime: their options (validated at start), order numbers and the
/// payment gateway; and the services the API asks for what grains own but no single grain answers: the lists
/// (<c>I...Directory</c>, read from the rows the grains write) and the login verifier. The task grain also needs
/// an <c>ITaskExecutor</c>, which the host registers with <c>AddTaskExecution()</c> (Execution/): the domain knows
/// the executor's contract, not its implementations.
/// </summary>
public static class GrainsSetup
{
    public static IServiceCollection AddHubGrains(this IServiceCollection services)
    {
        services.AddOptions<TaskQueueOptions>().BindConfiguration(TaskQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TaskRunOptions>().BindConfiguration(TaskRunOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOrders();
        services.AddIdentityGrains();
        services.TryAddSingleton<ITaskDirectory, TaskDirectory>();
        services.TryAddSingleton<IWorkspaceDirectory, WorkspaceDirectory>();
        return services;
    }
}
