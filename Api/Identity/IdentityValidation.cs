using System.Text.RegularExpressions;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Identity;

/// <summary>Field rules of the identity requests; errors are keyed by the JSON field name.</summary>
internal static partial class IdentityValidation
{
    public const int MinPasswordLength = 8;

    // Long enough for any passphrase, short enough that hashing it costs nothing extra.
    public const int MaxPasswordLength = 1024;
    public const int MaxEmailLength = 254;
    public const int MaxNameLength = 100;

    public static void Username(Errors errors, string? username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            errors.Add("username", "Required.");
        }
        else if (username.Trim().Length > MaxNameLength || username.Any(char.IsControl))
        {
            errors.Add("username", $"At most {MaxNameLength} characters, no control characters.");
        }
    }

    public static void Email(Errors errors, string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add("email", "Required.");
        }
        else if (email.Trim().Length > MaxEmailLength || !EmailShape().IsMatch(email.Trim()))
        {
            errors.Add("email", "Must be an email address.");
        }
    }

    public static void NewPassword(Errors errors, string? password)
    {
        if (password is null || password.Length < MinPasswordLength)
        {
            errors.Add("password", $"At least {MinPasswordLength} characters.");
        }
        else if (password.Length > MaxPasswordLength)
        {
            errors.Add("password", $"At most {MaxPasswordLength} characters.");
        }
    }

    public static void Required(Errors errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "Required.");
        }
        else if (value.Length > maxLength)
        {
            errors.Add(field, $"At most {maxLength} characters.");
        }
    }

    public static void Role(Errors errors, string? role, bool required)
    {
        if (role is null ? required : !Roles.IsValid(role))
        {
            errors.Add("role", $"Must be one of: {string.Join(", ", Roles.All)}.");
        }
    }

    // No whitespace and no control characters (a NUL or a bell in an address is never legitimate, and it
    // would reach logs and mail headers).
    [GeneratedRegex(@"^[^@\s\p{Cc}]+@[^@\s\p{Cc}]+\.[^@\s\p{Cc}]+$")]
    private static partial Regex EmailShape();

    /// <summary>Field -> messages, as ValidationProblem wants them.</summary>
    internal sealed class Errors : Dictionary<string, string[]>
    {
        public void Add(string field, string message) =>
            this[field] = TryGetValue(field, out var messages) ? [.. messages, message] : [message];
    }
}
