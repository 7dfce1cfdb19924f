using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Grains.Interfaces.Identity;

/// <summary>Password hashing parameters, bound from <c>Auth:Passwords</c>.</summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Auth:Passwords";

    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA512; the floor outside the Testing environment.</summary>
    public const int MinimumIterations = 210_000;

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations for new hashes. Default 210,000. A stored hash made with another
    /// count still verifies and is rehashed with this one at the next successful login.
    /// </summary>
    [Range(1, 10_000_000)]
    public int Iterations { get; set; } = MinimumIterations;
}
