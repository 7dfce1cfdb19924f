using System.Collections.Immutable;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Grains.Workspaces;

namespace OrleansHub.Grains.Tests.Workspaces;

public sealed class WorkspaceStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private static WorkspaceState Created(string owner = "owner")
    {
        var state = new WorkspaceState();
        state.Create("ws1", new CreateWorkspace(owner, " Team ", null, ["a"], ImmutableDictionary<string, string>.Empty), Now);
        return state;
    }

    [Fact]
    public void CreatingTrimsTheNameAndMakesTheCreatorOwner()
    {
        var state = Created();

        Assert.Equal("Team", state.Name);
        Assert.Equal(WorkspaceRoles.Owner, state.RoleOf("owner"));
        Assert.Null(state.RoleOf("stranger"));
        Assert.Throws<ConflictException>(() => state.Create("ws1", new CreateWorkspace("x", "y", null, [], ImmutableDictionary<string, string>.Empty), Now));
    }

    [Fact]
    public void InvalidFieldsAreReportedTogether()
    {
        var state = new WorkspaceState();

        var error = Assert.Throws<ValidationException>(() => state.Create("ws", new CreateWorkspace(
            "o", "", new string('d', 3000), [.. Enumerable.Repeat("t", 30)], ImmutableDictionary<string, string>.Empty), Now));

        Assert.Equal(["description", "name", "tags"], error.Errors.Keys.Order());
    }

    [Fact]
    public void StrangersGetNotFoundAndViewersGetForbidden()
    {
        var state = Created();
        state.SetMember("owner", "v", WorkspaceRoles.Viewer, Now);
        var change = new UpdateWorkspace("New", null, null, null, null);

        Assert.Throws<NotFoundException>(() => state.Update("stranger", change, Now));
        Assert.Throws<ForbiddenException>(() => state.Update("v", change, Now));
        Assert.Throws<ForbiddenException>(() => state.SetMember("v", "x", WorkspaceRoles.Editor, Now));
        Assert.Throws<ForbiddenException>(() => state.Delete("v", Now));
    }

    [Fact]
    public void EditorsUpdateButOnlyTheOwnerManagesMembersAndDeletes()
    {
        var state = Created();
        state.SetMember("owner", "e", WorkspaceRoles.Editor, Now);

        state.Update("e", new UpdateWorkspace("Renamed", "d", null, null, WorkspaceStatuses.Archived), Now);

        Assert.Equal("Renamed", state.Name);
        Assert.Equal(WorkspaceStatuses.Archived, state.Status);
        Assert.Throws<ForbiddenException>(() => state.RemoveMember("e", "e", Now));
        Assert.Throws<ValidationException>(() => state.SetMember("owner", "x", WorkspaceRoles.Owner, Now));
        Assert.Throws<ConflictException>(() => state.SetMember("owner", "owner", WorkspaceRoles.Viewer, Now));
        state.RemoveMember("owner", "e", Now);
        Assert.Null(state.RoleOf("e"));
        Assert.Throws<NotFoundException>(() => state.RemoveMember("owner", "e", Now));
    }

    [Fact]
    public void TheQueueStartsHighPriorityFirstAndRespectsTheRunningLimit()
    {
        var state = Created();

        Assert.Equal(["t1"], state.Enqueue(new QueuedTask("t1", TaskPriorities.Low, "owner"), maxRunning: 1, Now));
        Assert.Empty(state.Enqueue(new QueuedTask("t2", TaskPriorities.Low, "owner"), maxRunning: 1, Now));
        Assert.Empty(state.Enqueue(new QueuedTask("t3", TaskPriorities.High, "owner"), maxRunning: 1, Now));
        Assert.Empty(state.Enqueue(new QueuedTask("t4", TaskPriorities.Medium, "owner"), maxRunning: 1, Now));

        Assert.Equal(["t3"], state.Settle("t1", TaskStatuses.Succeeded, maxRunning: 1, Now));
        Assert.Equal(["t4"], state.Settle("t3", TaskStatuses.Failed, maxRunning: 1, Now));
        Assert.Equal(["t2"], state.Settle("t4", TaskStatuses.TimedOut, maxRunning: 1, Now));
        Assert.Empty(state.Settle("t2", TaskStatuses.Cancelled, maxRunning: 1, Now));

        var stats = state.ToView().Stats;
        Assert.Equal(new WorkspaceStats(TotalTasks: 4, RunningTasks: 0, SucceededTasks: 1, FailedTasks: 2), stats);
    }

    [Fact]
    public void RestoringFromTaskRowsSetsTheCountsAndQueueAndStartsWhatFitsByPriority()
    {
        var state = Created();
        var rows = new WorkspaceTaskRows(
            [
                (new QueuedTask("old", TaskPriorities.Low, "owner"), TaskStatuses.Queued),
                (new QueuedTask("busy", TaskPriorities.Medium, "owner"), TaskStatuses.Running),
                (new QueuedTask("new", TaskPriorities.High, "owner"), TaskStatuses.Queued),
            ],
            Total: 7, Succeeded: 2, Failed: 1);

        Assert.Equal(["new"], state.Reconcile(rows, maxRunning: 2, Now, Grace));

        Assert.Equal(new WorkspaceStats(TotalTasks: 7, RunningTasks: 2, SucceededTasks: 2, FailedTasks: 1), state.ToView().Stats);
        Assert.Equal(["old"], state.Queue.Select(q => q.TaskId));
        Assert.DoesNotContain("TotalTasks", System.Text.Json.JsonSerializer.Serialize(state), StringComparison.Ordinal);
    }

    [Fact]
    public void AQueuedTaskCancelledBeforeStartingLeavesTheQueueAndARepeatedSettleCountsOnce()
    {
        var state = Created();
        state.Enqueue(new QueuedTask("run", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);
        state.Enqueue(new QueuedTask("wait", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);

        Assert.Empty(state.Settle("wait", TaskStatuses.Cancelled, maxRunning: 1, Now));
        state.Settle("run", TaskStatuses.Failed, maxRunning: 1, Now);
        state.Settle("run", TaskStatuses.Failed, maxRunning: 1, Now);

        Assert.Equal(1, state.FailedTasks);
        Assert.Empty(state.Queue);
    }

    [Fact]
    public void DeletingReturnsQueuedAndRunningTasksAndEmptiesTheQueue()
    {
        var state = Created();
        state.Enqueue(new QueuedTask("run", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);
        state.Enqueue(new QueuedTask("wait", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);

        Assert.Equal(["wait", "run"], state.Delete("owner", Now));

        Assert.Empty(state.Queue);
        Assert.Empty(state.Running);
        Assert.Null(state.RoleOf("owner"));
        Assert.Empty(state.Settle("run", TaskStatuses.Cancelled, maxRunning: 1, Now));
    }

    [Fact]
    public void ViewersAndArchivedWorkspacesCannotQueueTasksAndAReEnqueueIsIgnored()
    {
        var state = Created();
        state.SetMember("owner", "v", WorkspaceRoles.Viewer, Now);

        Assert.Throws<ForbiddenException>(() => state.Enqueue(new QueuedTask("t", TaskPriorities.Low, "v"), 1, Now));
        Assert.Single(state.Enqueue(new QueuedTask("t", TaskPriorities.Low, "owner"), 1, Now));
        Assert.Empty(state.Enqueue(new QueuedTask("t", TaskPriorities.Low, "owner"), 1, Now));
        Assert.Equal(1, state.TotalTasks);

        state.Update("owner", new UpdateWorkspace(null, null, null, null, WorkspaceStatuses.Archived), Now);
        Assert.Throws<ConflictException>(() => state.Enqueue(new QueuedTask("t2", TaskPriorities.Low, "owner"), 1, Now));
    }

    [Fact]
    public void ReconcilingGivesASlotAgainWhenItsStartNeverCommittedAfterTheGrace()
    {
        var state = Created();
        Assert.Equal(["t1"], state.Enqueue(new QueuedTask("t1", TaskPriorities.Medium, "owner"), maxRunning: 1, Now));
        var rows = Rows((new QueuedTask("t1", TaskPriorities.Medium, "owner"), TaskStatuses.Queued));

        // Within the grace the start may still be on its way: the slot stays given, nothing starts twice.
        Assert.Empty(state.Reconcile(rows, maxRunning: 1, Now + TimeSpan.FromSeconds(10), Grace));
        Assert.Equal(["t1"], state.Running);

        // Past it the rows win: t1 never started, so it gets the slot again.
        Assert.Equal(["t1"], state.Reconcile(rows, maxRunning: 1, Now + TimeSpan.FromSeconds(31), Grace));
        Assert.Equal(1, state.ToView().Stats.RunningTasks);
    }

    [Fact]
    public void ReconcilingFreesTheSlotOfATaskThatSettledWithoutTellingTheWorkspace()
    {
        var state = Created();
        state.Enqueue(new QueuedTask("gone", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);
        state.Enqueue(new QueuedTask("next", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);
        // "gone" ran and failed; its settle never arrived. The rows show only "next", queued.
        var rows = Rows((new QueuedTask("next", TaskPriorities.Medium, "owner"), TaskStatuses.Queued)) with { Total = 2, Failed = 1 };

        Assert.Equal(["next"], state.Reconcile(rows, maxRunning: 1, Now + TimeSpan.FromMinutes(1), Grace));
        Assert.Equal(new WorkspaceStats(TotalTasks: 2, RunningTasks: 1, SucceededTasks: 0, FailedTasks: 1), state.ToView().Stats);
    }

    [Fact]
    public void ReconcilingKeepsATaskQueuedInMemoryWhoseCreateIsStillCommitting()
    {
        var state = Created();
        state.Enqueue(new QueuedTask("busy", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);
        state.Enqueue(new QueuedTask("fresh", TaskPriorities.Medium, "owner"), maxRunning: 1, Now);
        var rows = Rows((new QueuedTask("busy", TaskPriorities.Medium, "owner"), TaskStatuses.Running));

        Assert.Empty(state.Reconcile(rows, maxRunning: 1, Now + TimeSpan.FromSeconds(5), Grace));
        Assert.Equal(["fresh"], state.Queue.Select(q => q.TaskId));
        Assert.Equal(2, state.TotalTasks);

        // A create that never committed is forgotten once the grace is over.
        state.Reconcile(rows, maxRunning: 1, Now + TimeSpan.FromMinutes(1), Grace);
        Assert.Empty(state.Queue);
    }

    private static WorkspaceTaskRows Rows(params (QueuedTask Task, string Status)[] active) =>
        new(active, Total: active.Length, Succeeded: 0, Failed: 0);
}
