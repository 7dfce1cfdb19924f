namespace OrleansHub.Execution.Docker;

/// <summary>Following a started container: its output, its deadline, stop requests and its exit code.</summary>
public sealed partial class DockerTaskExecutor
{
    /// <summary>From a started container to its result: output, timeout, stop requests, exit code.</summary>
    private async Task<RunResult> FollowAsync(
        RunHandle handle, string containerId, EngineStream attach, EngineStream wait, DateTimeOffset deadline, TimeSpan timeout)
    {
        using var pumping = CancellationTokenSource.CreateLinkedTokenSource(handle.AbandonToken);
        var pump = PumpAsync(handle, attach, pumping.Token);

        var remaining = deadline - _clock.GetUtcNow();
        using var timer = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _clock);
        using var onTimeout = timer.Token.Register(static h => ((RunHandle)h!).TryStop(StopReason.TimedOut), handle);

        using var waiting = new CancellationTokenSource();
        var exit = _client.ReadExitCodeAsync(wait, waiting.Token);
        int? exitCode;
        try
        {
            try
            {
                exitCode = await exit.WaitAsync(handle.StopToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (handle.StopToken.IsCancellationRequested)
            {
                LogStopping(handle.RunId, handle.StopReason);
                await _client.KillContainerAsync(containerId, CancellationToken.None).ConfigureAwait(false);
                try
                {
                    exitCode = await exit.WaitAsync(_options.Docker.RequestTimeout, _clock, CancellationToken.None).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // Killed, but the engine never said so; removal (forced) follows anyway.
                    exitCode = null;
                }
            }
        }
        finally
        {
            await waiting.CancelAsync().ConfigureAwait(false);
            await ObserveAsync(exit).ConfigureAwait(false);
            await DrainAsync(handle, pump, pumping, attach).ConfigureAwait(false);
        }

        string? failure = null;
        if (exitCode == 137 && handle.StopReason == StopReason.None)
        {
            var details = await _client.InspectContainerAsync(containerId, CancellationToken.None).ConfigureAwait(false);
            failure = details is null ? null : OomMessage(details);
        }

        var result = RunResults.FromExit(handle, exitCode, timeout, _clock.GetUtcNow(), failure);
        LogFinished(handle.RunId, result.Outcome, result.ExitCode);
        return result;
    }

    private async Task PumpAsync(RunHandle handle, EngineStream attach, CancellationToken cancellationToken)
    {
        try
        {
            await DockerStreamDemultiplexer.PumpAsync(attach.Stream, handle.Collector, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            handle.TryStop(StopReason.Failed, "the Docker engine sent a malformed output stream (" + ex.Message + ")");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection went away (engine restart, or we gave up draining): the output is incomplete.
            if (!handle.AbandonToken.IsCancellationRequested)
            {
                handle.Collector.MarkIncomplete();
            }
        }
    }

    // The attach stream ends when the container does; a reader that stopped reading, or an engine
    // that keeps the stream open, must not keep the result waiting for ever.
    private async Task DrainAsync(RunHandle handle, Task pump, CancellationTokenSource pumping, EngineStream attach)
    {
        try
        {
            await pump.WaitAsync(_options.OutputDrainTimeout, _clock, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            handle.Collector.MarkIncomplete();
            await pumping.CancelAsync().ConfigureAwait(false);
            await attach.DisposeAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerEngineException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Already acted on, or irrelevant once the run is being settled.
        }
    }
}
