using System.Text.Json.Serialization;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Grains.Identity;

/// <summary>A user's stored state and its rules (pure; the grain loads, applies, writes).</summary>
public sealed record UserState
{
    public string Id { get; init; } = "";

    public string Username { get; init; } = "";

    /// <summary>Trimmed and lower-cased: the form the unique index compares.</summary>
    public string Email { get; init; } = "";

    public string Role { get; init; } = "";

    /// <summary>See <see cref="PasswordHasher"/> for the format.</summary>
    public string PasswordHash { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    [JsonIgnore]
    public bool Exists => Id.Length > 0;

    public static UserState Register(string id, RegisterUser command, string passwordHash, string role, DateTimeOffset now) => new()
    {
        Id = id,
        Username = command.Username.Trim(),
        Email = Emails.Normalize(command.Email),
        Role = role,
        PasswordHash = passwordHash,
        CreatedAt = now,
    };

    /// <summary>The new role, or an error: nobody changes their own role, and only known roles exist.</summary>
    public UserState ChangeRole(ChangeRole command)
    {
        if (!Exists)
        {
            throw new NotFoundException("No such user.");
        }
        if (command.ActorId == Id)
        {
            throw new ForbiddenException("You cannot change your own role.");
        }
        if (!Roles.IsValid(command.Role))
        {
            throw new ValidationException("role", $"Must be one of: {string.Join(", ", Roles.All)}.");
        }
        return this with { Role = command.Role };
    }

    public UserView ToView() => new(Id, Username, Email, Role, CreatedAt);
}
