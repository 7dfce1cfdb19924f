namespace OrleansHub.Api.Conventions;

/// <summary>Names of the rate limiting policies endpoints opt into (see ConventionsSetup).</summary>
public static class RateLimitPolicies
{
    /// <summary>Per API key, else per user, else per client IP. Every /api/v1 group uses it.</summary>
    public const string PerCaller = "per-caller";

    /// <summary>Stricter, per client IP: login, register and refresh (brute force, credential stuffing).</summary>
    public const string Auth = "auth";
}
