using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Workspaces;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Workspaces;

/// <summary>docs/api.md "Workspaces": CRUD, membership, and the caller's list. Access rules live in the grain.</summary>
internal static class WorkspaceEndpoints
{
    public static RouteGroupBuilder MapWorkspaces(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/workspaces").WithTags("Workspaces")
            .RequireAuthorization().RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapPost("/", CreateAsync).WithName("CreateWorkspace").RequireAuthorization(AuthPolicies.Writer);
        group.MapGet("/", ListAsync).WithName("ListWorkspaces");
        group.MapGet("/{id}", GetAsync).WithName("GetWorkspace");
        group.MapPut("/{id}", UpdateAsync).WithName("UpdateWorkspace").RequireAuthorization(AuthPolicies.Writer);
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteWorkspace").RequireAuthorization(AuthPolicies.Writer);
        group.MapPost("/{id}/members", AddMemberAsync).WithName("AddWorkspaceMember").RequireAuthorization(AuthPolicies.Writer);
        group.MapDelete("/{id}/members/{userId}", RemoveMemberAsync).WithName("RemoveWorkspaceMember").RequireAuthorization(AuthPolicies.Writer);
        return group;
    }

    private static IWorkspaceGrain Workspace(IGrainFactory grains, string id) =>
        Ids.IsPlausible(id) ? grains.GetGrain<IWorkspaceGrain>(id) : throw new NotFoundException("Workspace not found.");

    private static async Task<Created<WorkspaceView>> CreateAsync(
        CreateWorkspaceRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        var id = Ids.New();
        var view = await grains.GetGrain<IWorkspaceGrain>(id).CallAsNewAsync(g => g.CreateAsync(body.ToCommand(caller.UserId())));
        return TypedResults.Created($"/api/v1/workspaces/{id}", view);
    }

    private static async Task<Ok<Page<WorkspaceView>>> ListAsync(
        ClaimsPrincipal caller, [FromServices] IGrainFactory grains, [FromServices] IWorkspaceDirectory directory,
        int? limit, int? offset, string? sort, string? search, string? status, CancellationToken cancellationToken)
    {
        var page = PageQuery.From(limit, offset);
        var userId = caller.UserId();
        // The directory checks sort and status (400 naming the field).
        var ids = await directory.ListAsync(userId, new WorkspaceListFilter(search, status, sort), page.ToRange(), cancellationToken);
        var views = await Task.WhenAll(ids.Items.Select(id => grains.GetGrain<IWorkspaceGrain>(id).GetAsync(userId)));
        return TypedResults.Ok(Page<WorkspaceView>.From(views, page, ids.Total));
    }

    private static async Task<Ok<WorkspaceView>> GetAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Workspace(grains, id).GetAsync(caller.UserId()));

    private static async Task<Ok<WorkspaceView>> UpdateAsync(
        string id, UpdateWorkspaceRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains) =>
        TypedResults.Ok(await Workspace(grains, id).UpdateAsync(caller.UserId(), body.ToCommand()));

    private static async Task<NoContent> DeleteAsync(string id, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        await Workspace(grains, id).DeleteAsync(caller.UserId());
        return TypedResults.NoContent();
    }

    private static async Task<Created<WorkspaceView>> AddMemberAsync(
        string id, AddMemberRequest body, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        var workspace = Workspace(grains, id);
        var callerId = caller.UserId();
        // Only the owner learns whether a user id exists.
        switch (await workspace.GetRoleAsync(callerId))
        {
            case null:
                throw new NotFoundException("Workspace not found.");
            case not WorkspaceRoles.Owner:
                throw new ForbiddenException("Only the owner manages members.");
        }
        if (!Ids.IsPlausible(body.UserId) || await grains.GetGrain<IUserGrain>(body.UserId!).GetAsync() is null)
        {
            throw new ValidationException("user_id", "No such user.");
        }
        var view = await workspace.SetMemberAsync(callerId, body.UserId!, body.Role ?? "");
        return TypedResults.Created($"/api/v1/workspaces/{id}/members/{body.UserId}", view);
    }

    private static async Task<NoContent> RemoveMemberAsync(string id, string userId, ClaimsPrincipal caller, [FromServices] IGrainFactory grains)
    {
        await Workspace(grains, id).RemoveMemberAsync(caller.UserId(), userId);
        return TypedResults.NoContent();
    }
}
