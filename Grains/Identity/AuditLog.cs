using OrleansHub.Outbox.Storage;
using System.Text.Json;

namespace OrleansHub.Grains.Identity;

/// <summary>
/// Rows of <c>audit_logs</c> (deploy/sql/domain/0100_identity.sql) as index updates, so an audited change
/// and its audit entry commit together or not at all. Any grain may use it; the login verifier runs the
/// same statement on its own for an event that changes no state (a failed login). The list that reads
/// these rows is <see cref="IdentityDirectory"/>.
/// </summary>
internal static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>
    /// One audit row. <paramref name="userId"/>: who acted (null when unknown, e.g. a failed login for an
    /// unknown email); <paramref name="target"/>: what was acted on, as "kind:id" ("user:…", "api_key:…");
    /// <paramref name="details"/>: serialized as a JSON object in snake_case. Never put secrets in it.
    /// </summary>
    public static IndexUpdate Entry(
        DateTimeOffset at, string? userId, string action, string? target, string? ip, object? details = null) =>
        new("INSERT INTO audit_logs (id, at, user_id, action, target, ip, details) VALUES ($1, $2, $3::text, $4, $5::text, $6::text, $7::jsonb)",
            Guid.CreateVersion7(at).ToString(), at, userId, action, target, ip, Details(details));

    public static string Details(object? details) =>
        details is null ? "{}" : JsonSerializer.Serialize(details, details.GetType(), Json);
}
