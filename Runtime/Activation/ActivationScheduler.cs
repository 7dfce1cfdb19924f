namespace OrleansHub.Runtime.Activation;

/// <summary>
/// Runs one activation's work items one at a time on the thread pool. Grain code starts here and its
/// awaits resume here (TaskScheduler.Current), so a grain never runs on two threads at once.
/// </summary>
internal sealed class ActivationScheduler(ActivationData activation) : TaskScheduler, IThreadPoolWorkItem
{
    // Work items run per pass before yielding the thread to other activations.
    private const int PassLimit = 64;

    [ThreadStatic]
    private static ActivationScheduler? t_running;

    private readonly Queue<Task> _queue = new();
    private bool _scheduled;

    public ActivationData Activation { get; } = activation;

    public override int MaximumConcurrencyLevel => 1;

    /// <summary>The scheduler of the activation whose code is running on this thread, if any.</summary>
    public static ActivationScheduler? Running => t_running ?? TaskScheduler.Current as ActivationScheduler;

    protected override void QueueTask(Task task)
    {
        lock (_queue)
        {
            _queue.Enqueue(task);
            if (_scheduled)
            {
                return;
            }
            _scheduled = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    // Inline only when this activation already owns the thread: still one item at a time.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        t_running == this && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_queue)
        {
            return _queue.ToArray();
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        var previous = t_running;
        t_running = this;
        try
        {
            for (var i = 0; i < PassLimit; i++)
            {
                Task? next;
                lock (_queue)
                {
                    if (!_queue.TryDequeue(out next))
                    {
                        _scheduled = false;
                        return;
                    }
                }
                TryExecuteTask(next);
            }
        }
        finally
        {
            t_running = previous;
        }
        // More work is waiting: go to the back of the pool's queue so other activations get a turn.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Starts <paramref name="work"/> as a work item of this activation.</summary>
    public void Run(Func<object?, Task> work, object? state) =>
        _ = Task.Factory.StartNew(work, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);
}
