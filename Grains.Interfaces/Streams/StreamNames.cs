namespace OrleansHub.Grains.Interfaces.Streams;

/// <summary>
/// The kinds of durable stream (the part before the colon of <c>task:{id}</c>): what grains write to and clients
/// subscribe to (docs/api.md, "Real time"). One place, so the writer, the hub's access policies and the API agree.
/// </summary>
public static class StreamNames
{
    public const string Task = "task";
    public const string Workspace = "workspace";
    public const string Order = "order";
    public const string Store = "store";
    public const string User = "user";
}

/// <summary>Event types of the task streams (<c>task:{id}</c>, and status and progress on <c>workspace:{id}</c>).</summary>
public static class TaskEventTypes
{
    public const string Status = "task.status";
    public const string Progress = "task.progress";
    public const string Log = "task.log";
}

/// <summary>Event types of the workspace stream.</summary>
public static class WorkspaceEventTypes
{
    public const string Updated = "workspace.updated";
    public const string Member = "workspace.member";
    public const string Deleted = "workspace.deleted";
}

/// <summary>Event types of the order and store streams.</summary>
public static class OrderEventTypes
{
    public const string Status = "order.status";
    public const string Created = "order.created";
    public const string Payment = "order.payment";
    public const string Menu = "store.menu";
}
