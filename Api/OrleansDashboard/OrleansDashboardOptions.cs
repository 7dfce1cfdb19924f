using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Api.OrleansDashboard;

/// <summary>
/// Settings of Orleans' own dashboard for operators (section <c>Orleans:Dashboard</c>, docs/operations.md
/// "Orleans Dashboard"). Off by default: while it is registered, its grain-call filter can profile every call.
/// </summary>
public sealed class OrleansDashboardOptions
{
    public const string Section = "Orleans:Dashboard";

    /// <summary>
    /// Registers the dashboard in the silo and maps it at <see cref="OrleansDashboardAccess.Path"/> for administrators.
    /// Default <c>false</c>: nothing of it is registered and the path is a 404.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// How long the browser cookie that <c>POST /admin/orleans/session</c> issues stays valid (it is never renewed:
    /// the administrator signs in again). Default 15 minutes, from 1 minute to 8 hours. Logging out of the session,
    /// or losing the admin role, ends it at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "08:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
