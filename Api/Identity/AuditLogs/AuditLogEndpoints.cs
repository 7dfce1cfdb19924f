using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Identity;

namespace OrleansHub.Api.Identity.AuditLogs;

/// <summary>/api/v1/audit-logs: the audit trail, newest first, admins only.</summary>
internal static class AuditLogEndpoints
{
    public static RouteGroupBuilder MapAuditLogs(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit-logs").WithTags("Audit logs")
            .RequireAuthorization(AuthPolicies.Admin)
            .RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapGet("/", ListAsync).WithName("ListAuditLogs");
        return group;
    }

    /// <summary>Filters: user_id (who acted), action, from and to (inclusive, ISO-8601).</summary>
    private static async Task<Ok<Page<AuditLogResponse>>> ListAsync(
        [FromQuery(Name = "user_id")] string? userId,
        string? action,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int? limit,
        int? offset,
        [FromServices] IIdentityDirectory directory,
        CancellationToken cancellationToken)
    {
        var page = PageQuery.From(limit, offset);
        var entries = await directory.ListAuditLogAsync(
            new AuditFilter(NullIfEmpty(userId), NullIfEmpty(action), from?.ToUniversalTime(), to?.ToUniversalTime()), page.ToRange(), cancellationToken);
        return TypedResults.Ok(Page<AuditLogResponse>.From(
            [.. entries.Items.Select(e => new AuditLogResponse(e.Id, e.At, e.UserId, e.Action, e.Target, e.Ip, e.Details))], page, entries.Total));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>One audit entry: <c>{id, at, user_id, action, target, ip, details}</c>.</summary>
public sealed record AuditLogResponse(string Id, DateTimeOffset At, string? UserId, string Action, string? Target, string? Ip, JsonElement Details);
