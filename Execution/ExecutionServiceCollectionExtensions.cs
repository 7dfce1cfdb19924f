using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansHub.Execution.Docker;
using OrleansHub.Execution.Local;
using OrleansHub.Execution.Sandbox;

namespace OrleansHub.Execution;

public static class ExecutionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITaskExecutor"/> with the <c>Execution</c> configuration section
    /// (validated at start) and the executor selection (docs/execution.md, "Selection").
    /// </summary>
    public static IServiceCollection AddTaskExecution(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ExecutionOptions>().BindConfiguration(ExecutionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExecutionOptions>, ExecutionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DockerTaskExecutor>();
        services.TryAddSingleton<LocalProcessExecutor>();
        services.TryAddSingleton<BubblewrapExecutor>();
        services.TryAddSingleton<SelectingTaskExecutor>();
        services.TryAddSingleton<ITaskExecutor>(sp => sp.GetRequiredService<SelectingTaskExecutor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExecutorSelectionService>());
        return services;
    }
}

/// <summary>Makes (and logs) the executor decision when the host starts.</summary>
internal sealed class ExecutorSelectionService(SelectingTaskExecutor selector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => selector.SelectAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
