using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansHub.Api.Auth;

/// <summary>Access and refresh token settings, bound from the "Auth" section and validated at start.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>HS256 needs a key of at least 256 bits.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>The most clock skew a token's exp/nbf is allowed.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Base64 of at least 32 random bytes; signs and verifies access tokens (HS256). No default: the silo
    /// refuses to start without it, except on its embedded database, where it generates one and keeps it
    /// next to the data directory (see docs/identity.md).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>iss</c> of issued tokens, and the only one accepted. Default "orleanshub".</summary>
    [Required]
    public string Issuer { get; set; } = "orleanshub";

    /// <summary>The <c>aud</c> of issued tokens, and the only one accepted. Default "orleanshub-api".</summary>
    [Required]
    public string Audience { get; set; } = "orleanshub-api";

    /// <summary>Lifetime of an access token. Default 15 minutes (1 minute to 1 day).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a refresh token may wait to be used; each rotation starts a new one. Default 7 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Absolute lifetime of a session, however often it is refreshed. Default 30 days.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Clock skew tolerated on exp and nbf. Default 30 seconds, which is also the maximum.</summary>
    public TimeSpan ClockSkew { get; set; } = MaxClockSkew;

    /// <summary>The decoded key, or null when none is configured.</summary>
    public byte[]? SigningKeyBytes() =>
        string.IsNullOrWhiteSpace(SigningKey) ? null : Convert.FromBase64String(SigningKey.Trim());
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            var buffer = new byte[options.SigningKey.Length];
            if (!Convert.TryFromBase64String(options.SigningKey.Trim(), buffer, out var length))
            {
                failures.Add("Auth:SigningKey must be base64.");
            }
            else if (length < AuthOptions.MinimumKeyBytes)
            {
                failures.Add($"Auth:SigningKey must decode to at least {AuthOptions.MinimumKeyBytes} bytes (256 bits); it has {length}.");
            }
        }
        if (options.AccessTokenLifetime < TimeSpan.FromMinutes(1) || options.AccessTokenLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("Auth:AccessTokenLifetime must be between 00:01:00 and 1.00:00:00.");
        }
        if (options.SessionLifetime <= TimeSpan.Zero)
        {
            failures.Add("Auth:SessionLifetime must be positive.");
        }
        if (options.RefreshTokenLifetime <= TimeSpan.Zero || options.RefreshTokenLifetime > options.SessionLifetime)
        {
            failures.Add("Auth:RefreshTokenLifetime must be positive and at most Auth:SessionLifetime.");
        }
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > AuthOptions.MaxClockSkew)
        {
            failures.Add("Auth:ClockSkew must be between 00:00:00 and 00:00:30.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
