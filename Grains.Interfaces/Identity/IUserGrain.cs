using OrleansHub.Runtime;

namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// One user: profile, global role and password hash, keyed by the user id (a UUID). Its row in the
/// <c>users</c> index (unique email) and its audit entries commit with its state.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the user. The first user ever registered becomes admin, every later one user.
    /// Throws ConflictException when the email is taken or this id is already registered.
    /// </summary>
    Task<UserView> RegisterAsync(RegisterUser command);

    /// <summary>
    /// Checks the password in constant time. On success returns the user, and first rehashes the
    /// password when the stored hash used other parameters than the configured ones. Null otherwise.
    /// </summary>
    Task<UserView?> VerifyPasswordAsync(VerifyPassword command);

    /// <summary>The user, or null when this id was never registered.</summary>
    Task<UserView?> GetAsync();

    /// <summary>
    /// Sets the global role (audited as role_changed). NotFoundException for an unknown user,
    /// ForbiddenException when the actor is this user (nobody changes their own role),
    /// ValidationException for an unknown role.
    /// </summary>
    Task<UserView> ChangeRoleAsync(ChangeRole command);
}

/// <summary>A user as everyone else sees it: never the password hash.</summary>
public sealed record UserView(string Id, string Username, string Email, string Role, DateTimeOffset CreatedAt);

/// <summary>A registration; the grain stores Email trimmed and lower-cased.</summary>
public sealed record RegisterUser(string Username, string Email, string Password, string? Ip);

public sealed record VerifyPassword(string Password);

/// <summary>A role change; ActorId is the admin making it.</summary>
public sealed record ChangeRole(string Role, string ActorId, string? Ip);
