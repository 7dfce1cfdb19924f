using System.Buffers;
using Docker.DotNet;
using OrleansHub.Execution.Output;

namespace OrleansHub.Execution.Docker;

/// <summary>Following a started container: its output, its deadline, stop requests and its exit code.</summary>
public sealed partial class DockerTaskExecutor
{
    private const int OutputBufferBytes = 16 * 1024;

    /// <summary>From a started container to its result: output, timeout, stop requests, exit code.</summary>
    private async Task<RunResult> FollowAsync(
        RunHandle handle, string containerId, MultiplexedStream attach, DateTimeOffset deadline, TimeSpan timeout)
    {
        using var pumping = CancellationTokenSource.CreateLinkedTokenSource(handle.AbandonToken);
        var pump = PumpAsync(handle, attach, pumping.Token);

        var remaining = deadline - _clock.GetUtcNow();
        using var timer = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _clock);
        using var onTimeout = timer.Token.Register(static h => ((RunHandle)h!).TryStop(StopReason.TimedOut), handle);

        using var waiting = new CancellationTokenSource();
        var exit = _engine.WaitAsync(containerId, waiting.Token);
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
                await _engine.KillContainerAsync(containerId, CancellationToken.None).ConfigureAwait(false);
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
            var details = await _engine.InspectContainerAsync(containerId, CancellationToken.None).ConfigureAwait(false);
            failure = details is null ? null : OomMessage(details);
        }

        var result = RunResults.FromExit(handle, exitCode, timeout, _clock.GetUtcNow(), failure);
        LogFinished(handle.RunId, result.Outcome, result.ExitCode);
        return result;
    }

    /// <summary>
    /// Copies the attach stream's frames (Docker.DotNet demultiplexes them) into the collector
    /// through one fixed buffer, so nothing is allocated by a size the engine announces; past the
    /// output cap the collector drops what it gets, which keeps the container from blocking on a
    /// full pipe.
    /// </summary>
    private static async Task PumpAsync(RunHandle handle, MultiplexedStream attach, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(OutputBufferBytes);
        try
        {
            await CopyFramesAsync(attach, handle.Collector, buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedOutputException ex)
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
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task CopyFramesAsync(MultiplexedStream attach, OutputCollector output, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var read = await attach.ReadOutputAsync(buffer, 0, OutputBufferBytes, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var target = read.Target switch
                {
                    MultiplexedStream.TargetStream.StandardOut => OutputStream.Stdout,
                    MultiplexedStream.TargetStream.StandardError => OutputStream.Stderr,
                    _ => throw new MalformedOutputException("a frame for stdin"),
                };
                await output.WriteAsync(target, buffer.AsMemory(0, read.Count), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (EndOfStreamException)
        {
            // Cut off mid-frame (the container was killed): what arrived is kept.
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException) && ex.InnerException is null && ex.Message == "unknown stream type")
        {
            // Docker.DotNet's word for a frame header whose first byte is not 0, 1 or 2; a broken
            // connection is an IOException around a SocketException instead.
            throw new MalformedOutputException("unknown stream type");
        }
        catch (ArgumentOutOfRangeException)
        {
            // A frame size of 2 GiB or more reaches Docker.DotNet's read as a negative count.
            throw new MalformedOutputException("frame too large");
        }

        await output.FlushAsync(OutputStream.Stdout, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(OutputStream.Stderr, cancellationToken).ConfigureAwait(false);
    }

    // The attach stream ends when the container does; a reader that stopped reading, or an engine
    // that keeps the stream open, must not keep the result waiting for ever.
    private async Task DrainAsync(RunHandle handle, Task pump, CancellationTokenSource pumping, MultiplexedStream attach)
    {
        try
        {
            await pump.WaitAsync(_options.OutputDrainTimeout, _clock, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            handle.Collector.MarkIncomplete();
            await pumping.CancelAsync().ConfigureAwait(false);
            attach.Dispose();
            await pump.ConfigureAwait(false);
        }
    }

    private static async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerEngineException or OperationCanceledException)
        {
            // Already acted on, or irrelevant once the run is being settled.
        }
    }

    /// <summary>The attach stream broke Docker's framing; the message says how.</summary>
    private sealed class MalformedOutputException(string message) : Exception(message);
}
