using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Execution;
using OrleansHub.Grains.Orders;
using OrleansHub.Grains.Tasks;
using OrleansHub.Grains.Workspaces;

namespace OrleansHub.Grains;

/// <summary>Services the domain grains need besides the runtime: their options (validated at start), the task executor, order numbers and the payment gateway.</summary>
public static class GrainsSetup
{
    public static IServiceCollection AddHubGrains(this IServiceCollection services)
    {
        services.AddOptions<TaskQueueOptions>().BindConfiguration(TaskQueueOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TaskRunOptions>().BindConfiguration(TaskRunOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddTaskExecution();
        services.AddOrders();
        return services;
    }
}
