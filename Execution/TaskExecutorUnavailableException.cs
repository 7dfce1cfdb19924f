namespace OrleansHub.Execution;

/// <summary>
/// The executor could not answer a question about a run (<see cref="ITaskExecutor.FindAsync"/>,
/// <see cref="ITaskExecutor.ReattachAsync"/>, <see cref="ITaskExecutor.ReapAsync"/>), e.g. the
/// Docker engine is unreachable. Nothing was concluded about the run: ask again later.
/// </summary>
public sealed class TaskExecutorUnavailableException : Exception
{
    public TaskExecutorUnavailableException()
    {
    }

    public TaskExecutorUnavailableException(string message)
        : base(message)
    {
    }

    public TaskExecutorUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
