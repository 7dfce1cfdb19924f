using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansHub.Api.Conventions.RateLimiting;

/// <summary>
/// Limits per fixed, clock-aligned window (<c>RateLimits:*</c>). Each applies per partition: per API
/// key, user or address as described on the property. Set a limit high to make it irrelevant; there
/// is no "off" switch, on purpose.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>
    /// Policy <c>per-caller</c> (every /api/v1 group): per API key, else per user, else per client
    /// address. Default 600 requests per 60 s.
    /// </summary>
    [ValidateObjectMembers]
    public WindowLimit PerCaller { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    /// <summary>
    /// Policy <c>auth</c> (login, register, refresh), per client address: slows credential stuffing
    /// and password guessing. Default 10 requests per 60 s.
    /// </summary>
    [ValidateObjectMembers]
    public WindowLimit Auth { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>
    /// Every request without credentials, per client address, on any route (health and the API page
    /// included), before any route's own policy. Authenticated callers are limited by
    /// <see cref="PerCaller"/> instead. Default 300 requests per 60 s.
    /// </summary>
    [ValidateObjectMembers]
    public WindowLimit Anonymous { get; set; } = new() { PermitLimit = 300, WindowSeconds = 60 };
}

/// <summary>A number of requests per window.</summary>
public sealed class WindowLimit
{
    /// <summary>Requests admitted per window (1 to 1,000,000).</summary>
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; }

    /// <summary>Window length in seconds (1 to 86,400); windows start at multiples of it since the Unix epoch.</summary>
    [Range(1, 86_400)]
    public int WindowSeconds { get; set; }

    internal TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>Validates the nested limits too (ValidateDataAnnotations stops at the top level).</summary>
[OptionsValidator]
internal sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;
