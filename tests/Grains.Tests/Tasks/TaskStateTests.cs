using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Tasks;

namespace OrleansHub.Grains.Tests.Tasks;

public sealed class TaskStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskRunOptions Options = new() { DefaultTimeoutSeconds = 60, MaxTimeoutSeconds = 600 };

    private static CreateTask Command(params string[] argv) =>
        new("ws", "alice", [.. argv], null, ImmutableDictionary<string, string>.Empty, null, TaskPriorities.Medium);

    private static TaskState Queued()
    {
        var state = new TaskState();
        state.Create("t1", Command("echo", "hi"), Options, Now);
        return state;
    }

    private static TaskState Running()
    {
        var state = Queued();
        Assert.True(state.Start(Now));
        return state;
    }

    private static RunReport Report(string outcome, int? exitCode = null) => new(outcome, exitCode, outcome == "succeeded" ? null : "why", false, Now);

    [Fact]
    public void ANewTaskIsQueuedWithTheDefaultTimeout()
    {
        var view = Queued().ToView();

        Assert.Equal(TaskStatuses.Queued, view.Status);
        Assert.Equal(60, view.TimeoutSeconds);
        Assert.Equal(["echo", "hi"], view.Command.ToArray());
    }

    [Fact]
    public void InvalidCommandsAreRejectedWithEveryFieldNamed()
    {
        var bad = new CreateTask("ws", "alice", [], "bad image!", new Dictionary<string, string> { ["1X"] = "v" }.ToImmutableDictionary(), 10_000, "urgent");

        var error = Assert.Throws<ValidationException>(() => new TaskState().Create("t", bad, Options, Now));

        Assert.Equal(["command", "env", "image", "priority", "timeout_seconds"], error.Errors.Keys.Order());
    }

    [Theory]
    [InlineData("succeeded", 0, "succeeded")]
    [InlineData("failed", 3, "failed")]
    [InlineData("timed_out", null, "timed_out")]
    [InlineData("cancelled", null, "cancelled")]
    public void ARunningTaskTakesItsRunsOutcome(string outcome, int? exitCode, string expected)
    {
        var state = Running();

        Assert.True(state.Finish(Report(outcome, exitCode)));

        Assert.Equal(expected, state.Status);
        Assert.Equal(exitCode, state.ExitCode);
        Assert.Equal(Now, state.CompletedAt);
        Assert.Equal(outcome == "succeeded" ? null : "why", state.Error);
    }

    [Fact]
    public void CancellingAQueuedTaskEndsItAtOnceAndItNeverStarts()
    {
        var state = Queued();

        state.Cancel(Now);

        Assert.Equal(TaskStatuses.Cancelled, state.Status);
        Assert.False(state.Start(Now));
        Assert.Throws<ConflictException>(() => state.Cancel(Now));
    }

    [Fact]
    public void CancellingARunningTaskWaitsForTheRunAndAKilledRunCountsAsCancelled()
    {
        var state = Running();

        state.Cancel(Now);
        Assert.Equal(TaskStatuses.Running, state.Status);
        state.Finish(Report("failed", 137));

        Assert.Equal(TaskStatuses.Cancelled, state.Status);
    }

    [Fact]
    public void LateOrRepeatedReportsChangeNothing()
    {
        var queued = Queued();
        Assert.False(queued.Finish(Report("succeeded", 0)));
        Assert.Equal(TaskStatuses.Queued, queued.Status);

        var done = Running();
        done.Finish(Report("succeeded", 0));
        Assert.False(done.Finish(Report("failed", 1)));
        Assert.Equal(TaskStatuses.Succeeded, done.Status);
        Assert.Throws<ConflictException>(() => done.Cancel(Now));
    }

    [Fact]
    public void ProgressLinesUpdateProgressAndAreStillLogged()
    {
        var state = Running();

        var (stored, changed) = state.AcceptOutput(
            [new("stdout", "##progress 3/12 copying files"), new("stdout", "plain"), new("stderr", "##progress 9/9")], maxLines: 100);

        Assert.True(changed);
        Assert.Equal(3, stored.Count);
        Assert.Equal(new TaskProgress(3, 12, 25.0, "copying files"), state.Progress);
        var (_, ignored) = state.AcceptOutput([new("stdout", "##progress 5/x"), new("stdout", "##progress 7/3")], maxLines: 100);
        Assert.False(ignored);
    }

    [Fact]
    public void LogsPastTheCapAreDroppedBehindOneVisibleMarker()
    {
        var state = Running();
        var lines = Enumerable.Range(0, 7).Select(i => new TaskLogLine("stdout", $"line {i}")).ToList();

        var (first, _) = state.AcceptOutput(lines, maxLines: 5);
        var (second, _) = state.AcceptOutput(lines, maxLines: 5);

        Assert.Equal(6, first.Count);
        Assert.Equal("line 4", first[4].Line);
        Assert.Equal("stderr", first[5].Stream);
        Assert.Contains("log truncated", first[5].Line, StringComparison.Ordinal);
        Assert.Empty(second);
        Assert.True(state.LogTruncated);
    }

    [Fact]
    public void ARunningTaskWhoseCancelWasAcceptedEndsCancelledEvenIfItsCommandExitedZeroFirst()
    {
        var state = Running();
        state.Cancel(Now);

        Assert.True(state.Finish(Report(TaskStatuses.Succeeded, exitCode: 0)));

        Assert.Equal(TaskStatuses.Cancelled, state.Status);
        Assert.Equal(0, state.ExitCode);
    }
}
