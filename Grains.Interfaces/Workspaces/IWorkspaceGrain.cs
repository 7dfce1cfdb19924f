namespace OrleansHub.Grains.Interfaces.Workspaces;

/// <summary>
/// One workspace: its profile, members and live task stats, and the queue that decides which of its tasks
/// run. Key: the workspace id. Every change emits on <c>workspace:{id}</c>; list rows live in
/// <c>workspaces</c> and <c>workspace_members</c>.
/// </summary>
[Alias("OrleansHub.IWorkspaceGrain")]
public interface IWorkspaceGrain : IGrainWithStringKey
{
    /// <summary>Creates the workspace owned by <c>command.OwnerId</c>; 409 if the id exists.</summary>
    [Alias("CreateAsync")]
    Task<WorkspaceView> CreateAsync(CreateWorkspace command);

    /// <summary>The workspace as <paramref name="callerId"/> may see it; 404 for a non-member.</summary>
    [Alias("GetAsync")]
    Task<WorkspaceView> GetAsync(string callerId);

    /// <summary>Owner or editor; 403 for a viewer.</summary>
    [Alias("UpdateAsync")]
    Task<WorkspaceView> UpdateAsync(string callerId, UpdateWorkspace command);

    /// <summary>Owner only. Queued tasks are cancelled.</summary>
    [Alias("DeleteAsync")]
    Task DeleteAsync(string callerId);

    /// <summary>Owner only; adds or changes a member's role (viewer or editor).</summary>
    [Alias("SetMemberAsync")]
    Task<WorkspaceView> SetMemberAsync(string callerId, string userId, string role);

    /// <summary>Owner only; 404 if not a member.</summary>
    [Alias("RemoveMemberAsync")]
    Task<WorkspaceView> RemoveMemberAsync(string callerId, string userId);

    /// <summary>The user's role here ("owner", "editor", "viewer"), or null: for access checks elsewhere.</summary>
    [Alias("GetRoleAsync")]
    Task<string?> GetRoleAsync(string userId);

    /// <summary>
    /// Queues a new task (owner or editor of an active workspace); it starts when a slot is free. Stores
    /// nothing: the task's write that follows stores its row, and with it the workspace view returned here
    /// as the <c>workspace.updated</c> event.
    /// </summary>
    [Alias("EnqueueTaskAsync")]
    Task<WorkspaceView> EnqueueTaskAsync(QueuedTask task);

    /// <summary>
    /// A task left the queue or finished: frees its slot, updates stats, starts the next. A call, not a one-way
    /// message, so that the task knows when it was not heard (the workspace's reconciliation then frees the slot).
    /// </summary>
    [Alias("TaskSettledAsync")]
    Task TaskSettledAsync(string taskId, string status);

    /// <summary>Re-reads the task rows and corrects the queue and slots (a queued task's reminder asks this).</summary>
    [Alias("ReconcileTasksAsync")]
    Task ReconcileTasksAsync();
}
