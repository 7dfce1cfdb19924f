using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Identity.Users;

/// <summary>/api/v1/users: user administration, admins only.</summary>
internal static class UserEndpoints
{
    /// <summary><c>sort</c> fields of GET /api/v1/users (default created_at:asc).</summary>
    private static readonly Dictionary<string, string> SortColumns = new(StringComparer.Ordinal)
    {
        ["created_at"] = "created_at",
        ["username"] = "username",
        ["email"] = "email",
    };

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
        [FromServices] IdentityQueries queries,
        CancellationToken cancellationToken)
    {
        if (!TryOrderBy(sort, out var orderBy))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["sort"] = [$"Must be field:asc or field:desc with field one of: {string.Join(", ", SortColumns.Keys)}."],
            });
        }
        var page = PageQuery.From(limit, offset);
        var (users, total) = await queries.ListUsersAsync(page, orderBy, cancellationToken);
        return TypedResults.Ok(Page<UserResponse>.From([.. users.Select(u => u.ToResponse())], page, total));
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

    private static bool TryOrderBy(string? sort, out string orderBy)
    {
        orderBy = "created_at ASC, id ASC";
        if (string.IsNullOrEmpty(sort))
        {
            return true;
        }
        var parts = sort.Split(':');
        if (parts.Length is < 1 or > 2 || !SortColumns.TryGetValue(parts[0], out var column))
        {
            return false;
        }
        var direction = parts.Length == 1 || parts[1] == "asc" ? "ASC" : parts[1] == "desc" ? "DESC" : null;
        if (direction is null)
        {
            return false;
        }
        orderBy = $"{column} {direction}, id {direction}";
        return true;
    }
}
