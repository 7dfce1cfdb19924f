using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansHub.Grains.Identity;

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

/// <summary>210,000 PBKDF2 iterations at least, except in the Testing environment (tests hash a lot).</summary>
internal sealed class PasswordHashingOptionsValidator(IHostEnvironment environment) : IValidateOptions<PasswordHashingOptions>
{
    public const string TestingEnvironment = "Testing";

    public ValidateOptionsResult Validate(string? name, PasswordHashingOptions options) =>
        options.Iterations < PasswordHashingOptions.MinimumIterations && !environment.IsEnvironment(TestingEnvironment)
            ? ValidateOptionsResult.Fail(
                $"Auth:Passwords:Iterations must be at least {PasswordHashingOptions.MinimumIterations} (lower is allowed only in the {TestingEnvironment} environment).")
            : ValidateOptionsResult.Success;
}
