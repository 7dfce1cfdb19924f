using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Tasks;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Outbox.EventLog;
using OrleansHub.Outbox.Streams;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Tasks;

/// <summary>docs/api.md "Tasks". Who may see or cancel a task is decided by its workspace role.</summary>
internal static class TaskEndpoints
{
    public static RouteGroupBuilder MapTasks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tasks").WithTags("Tasks")
            .RequireAuthorization().RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapPost("/", CreateAsync).WithName("CreateTask").RequireAuthorization(AuthPolicies.Writer)
            .WithDescription("503 SANDBOX_UNAVAILABLE when this server has no sandbox to run tasks in (docs/execution.md); nothing is stored.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", ListAsync).WithName("ListTasks");
        group.MapGet("/{id}", GetAsync).WithName("GetTask");
        group.MapPost("/{id}/cancel", CancelAsync).WithName("CancelTask").RequireAuthorization(AuthPolicies.Writer);
        group.MapGet("/{id}/logs", LogsAsync).WithName("GetTaskLogs");
        group.MapGet("/{id}/stream", StreamAsync).WithName("StreamTask").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return group;
    }

    private static async Task<Created<TaskView>> CreateAsync(CreateTaskRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        if (body.Type is not null and not "command")
        {
            throw new ValidationException("type", "Only \"command\" tasks exist.");
        }
        if (!Ids.IsPlausible(body.WorkspaceId))
        {
            throw new ValidationException("workspace_id", "Required: the id of a workspace you can edit.");
        }
        var id = Ids.New();
        var view = await grains.GetGrain<ITaskGrain>(id).CallAsNewAsync(g => g.CreateAsync(body.ToCommand(caller.UserId())));
        return TypedResults.Created($"/api/v1/tasks/{id}", view);
    }

    private static async Task<Ok<Page<TaskView>>> ListAsync(
        ClaimsPrincipal caller, [FromServices] IGrainFactory grains, [FromServices] ITaskDirectory tasks,
        [FromQuery(Name = "workspace_id")] string? workspaceId,
        [FromQuery(Name = "workspaceId")] string? workspaceIdCamelCase,
        string? status, int? limit, int? offset, CancellationToken cancellationToken)
    {
        // docs/api.md names the filter workspace_id; workspaceId is what this endpoint read before and
        // keeps working. Two different values would leave one of them silently ignored: refuse that.
        if (workspaceId is not null && workspaceIdCamelCase is not null && workspaceId != workspaceIdCamelCase)
        {
            throw new ValidationException("workspace_id", "Send workspace_id once (workspaceId is its older spelling).");
        }
        workspaceId ??= workspaceIdCamelCase;
        if (status is not null && !TaskStatuses.IsFinal(status) && status is not (TaskStatuses.Queued or TaskStatuses.Running))
        {
            throw new ValidationException("status", "One of queued, running, succeeded, failed, cancelled, timed_out.");
        }
        var page = PageQuery.From(limit, offset);
        var ids = await tasks.ListVisibleAsync(caller.UserId(), new TaskListFilter(workspaceId, status), page.ToRange(), cancellationToken);
        var views = await Task.WhenAll(ids.Items.Select(id => grains.GetGrain<ITaskGrain>(id).GetAsync()));
        return TypedResults.Ok(Page<TaskView>.From(views, page, ids.Total));
    }

    private static async Task<Ok<TaskView>> GetAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await VisibleAsync(id, caller, grains, WorkspaceRoles.Viewer));

    private static async Task<Accepted<TaskView>> CancelAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        await VisibleAsync(id, caller, grains, WorkspaceRoles.Editor);
        var view = await grains.GetGrain<ITaskGrain>(id).CancelAsync(caller.UserId());
        return TypedResults.Accepted($"/api/v1/tasks/{id}", view);
    }

    private static async Task<Ok<TaskLogPage>> LogsAsync(
        string id, long? after, ClaimsPrincipal caller, [FromServices] IGrainFactory grains, [FromServices] ITaskDirectory tasks,
        CancellationToken cancellationToken)
    {
        await VisibleAsync(id, caller, grains, WorkspaceRoles.Viewer);
        var lines = await tasks.ReadLogAsync(id, Math.Max(0, after ?? 0), cancellationToken);
        return TypedResults.Ok(new TaskLogPage([.. lines.Select(line => line.ToEntry())]));
    }

    private static async Task StreamAsync(
        string id, HttpContext http, ClaimsPrincipal caller, [FromServices] IGrainFactory grains, [FromServices] StreamSubscriptions streams,
        CancellationToken cancellationToken)
    {
        await VisibleAsync(id, caller, grains, WorkspaceRoles.Viewer);
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        long after = 0;
        if (lastEventId.Length > 0 && (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            throw new ValidationException("Last-Event-ID", "Must be a seq (a non-negative integer).");
        }
        await TaskEventStream.WriteAsync(http, streams, id, after, cancellationToken);
    }

    /// <summary>The task if the caller has at least <paramref name="role"/> in its workspace: 404 if they cannot see it, 403 if they can but not act.</summary>
    private static async Task<TaskView> VisibleAsync(string id, ClaimsPrincipal caller, IGrainFactory grains, string role)
    {
        if (!Ids.IsPlausible(id))
        {
            throw new NotFoundException("Task not found.");
        }
        var task = await grains.GetGrain<ITaskGrain>(id).GetAsync();
        var callerRole = await grains.GetGrain<IWorkspaceGrain>(task.WorkspaceId).GetRoleAsync(caller.UserId());
        if (callerRole is null)
        {
            throw new NotFoundException("Task not found.");
        }
        if (WorkspaceRoles.Rank(callerRole) < WorkspaceRoles.Rank(role))
        {
            throw new ForbiddenException($"This needs the {role} role in the task's workspace.");
        }
        return task;
    }
}
