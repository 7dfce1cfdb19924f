using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Lists;

namespace OrleansHub.Api.Identity.Users;

/// <summary>/api/v1/users: user administration, admins only.</summary>
internal static class UserEndpoints
{
    public static RouteGroupBuilder MapUsers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users").WithTags("Users")
            .RequireAuthorization(AuthPolicies.Admin)
            .RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapGet("/", ListAsync).WithName("ListUsers");
        group.MapPut("/{id}/role", ChangeRoleAsync).WithName("ChangeUserRole");
        return group;
    }

    private static async Task<Results<Ok<Page<UserResponse>>, ValidationProblem>> ListAsync(
        int? limit,
        int? offset,
        string? sort,
        [FromServices] IIdentityDirectory directory,
        CancellationToken cancellationToken)
    {
        var page = PageQuery.From(limit, offset);
        ListPage<UserView> users;
        try
        {
            users = await directory.ListUsersAsync(sort, page.ToRange(), cancellationToken);
        }
        catch (ValidationException invalid)
        {
            // An answer of this endpoint, like its other refusals, not an error for the exception handler.
            return TypedResults.ValidationProblem(invalid.Errors.ToDictionary());
        }
        return TypedResults.Ok(Page<UserResponse>.From([.. users.Items.Select(u => u.ToResponse())], page, users.Total));
    }

    private static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> ChangeRoleAsync(
        string id,
        ChangeRoleRequest body,
        ClaimsPrincipal caller,
        HttpContext http,
        [FromServices] IGrainFactory grains)
    {
        if (!IdentityProblems.TryCanonicalId(id, out var userId))
        {
            return IdentityProblems.NotFound("No such user.");
        }
        var errors = new IdentityValidation.Errors();
        IdentityValidation.Role(errors, body.Role, required: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (userId == caller.UserId())
        {
            return IdentityProblems.Forbidden("You cannot change your own role.");
        }
        try
        {
            var user = await grains.GetGrain<IUserGrain>(userId).ChangeRoleAsync(new ChangeRole(body.Role!, caller.UserId(), http.ClientIp()));
            return TypedResults.Ok(user.ToResponse());
        }
        catch (NotFoundException)
        {
            return IdentityProblems.NotFound("No such user.");
        }
    }

}
