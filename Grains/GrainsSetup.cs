using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Grains.Orders;
using OrleansHub.Grains.Tasks;
using OrleansHub.Grains.Workspaces;

namespace OrleansHub.Grains;

/// <summary>
/// Services the domain grains need besides the runtime: their options (validated at start), order numbers and the
/// payment gateway. The task grain also needs an <c>ITaskExecutor</c>, which the host registers with
/// <c>AddTaskExecution()</c> (Execution/): the domain knows the executor's contract, not its implementations.
/// </summary>
public static class GrainsSetup
{
    public static IServiceCollection AddHubGrains(this IServiceCollection services)
    {
        services.AddOptions<TaskQueueOptions>().BindConfiguration(TaskQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TaskRunOptions>().BindConfiguration(TaskRunOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOrders();
        return services;
    }
}
