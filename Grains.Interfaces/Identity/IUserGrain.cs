
namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>
/// One user: profile, global role and password hash, keyed by the user id (a UUID). Its row in the
/// <c>users</c> index (unique email) and its audit entries commit with its state.
/// </summary>
[Alias("OrleansHub.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the user. The first user ever registered becomes admin, every later one user.
    /// Throws ConflictException when the email is taken or this id is already registered.
    /// </summary>
    [Alias("RegisterAsync")]
    Task<UserView> RegisterAsync(RegisterUser command);

    /// <summary>
    /// Checks the password in constant time. On success returns the user, and first rehashes the
    /// password when the stored hash used other parameters than the configured ones. Null otherwise.
    /// </summary>
    [Alias("VerifyPasswordAsync")]
    Task<UserView?> VerifyPasswordAsync(VerifyPassword command);

    /// <summary>The user, or null when this id was never registered.</summary>
    [Alias("GetAsync")]
    Task<UserView?> GetAsync();

    /// <summary>
    /// Sets the global role (audited as role_changed). NotFoundException for an unknown user,
    /// ForbiddenException when the actor is this user (nobody changes their own role),
    /// ValidationException for an unknown role.
    /// </summary>
    [Alias("ChangeRoleAsync")]
    Task<UserView> ChangeRoleAsync(ChangeRole command);
}

/// <summary>A user as everyone else sees it: never the password hash.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.UserView")]
public sealed record UserView([property: Id(0)] string Id, [property: Id(1)] string Username, [property: Id(2)] string Email, [property: Id(3)] string Role, [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>A registration; the grain stores Email trimmed and lower-cased.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.RegisterUser")]
public sealed record RegisterUser([property: Id(0)] string Username, [property: Id(1)] string Email, [property: Id(2)] string Password, [property: Id(3)] string? Ip);

[GenerateSerializer, Immutable, Alias("OrleansHub.VerifyPassword")]
public sealed record VerifyPassword([property: Id(0)] string Password);

/// <summary>A role change; ActorId is the admin making it.</summary>
[GenerateSerializer, Immutable, Alias("OrleansHub.ChangeRole")]
public sealed record ChangeRole([property: Id(0)] string Role, [property: Id(1)] string ActorId, [property: Id(2)] string? Ip);
