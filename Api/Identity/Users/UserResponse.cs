using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Identity.Users;

/// <summary>docs/api.md <c>User</c>: <c>{id, username, email, role, created_at}</c>.</summary>
public sealed record UserResponse(string Id, string Username, string Email, string Role, DateTimeOffset CreatedAt);

/// <summary>Body of PUT /api/v1/users/{id}/role.</summary>
public sealed record ChangeRoleRequest(string? Role);

internal static class UserMapping
{
    public static UserResponse ToResponse(this UserView user) => new(user.Id, user.Username, user.Email, user.Role, user.CreatedAt);
}
