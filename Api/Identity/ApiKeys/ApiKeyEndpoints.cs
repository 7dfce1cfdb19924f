using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansHub.Api.Auth;
using OrleansHub.Api.Conventions;
using OrleansHub.Api.Pagination;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Outbox.Storage;

namespace OrleansHub.Api.Identity.ApiKeys;

/// <summary>
/// /api/v1/api-keys: the caller's own keys. Keys are managed from a login session only: a key that could
/// mint or revoke keys would outlive its own revocation.
/// </summary>
internal static class ApiKeyEndpoints
{
    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireRateLimiting(RateLimitPolicies.PerCaller);
        group.MapPost("/", CreateAsync).WithName("CreateApiKey").RequireAuthorization(AuthPolicies.Writer);
        group.MapGet("/", ListAsync).WithName("ListApiKeys");
        group.MapDelete("/{id}", RevokeAsync).WithName("RevokeApiKey").RequireAuthorization(AuthPolicies.Writer);
        return group;
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest body,
        ClaimsPrincipal caller,
        HttpContext http,
        [FromServices] IGrainFactory grains)
    {
        var errors = new IdentityValidation.Errors();
        IdentityValidation.Required(errors, "name", body.Name?.Trim(), IdentityValidation.MaxNameLength);
        IdentityValidation.Role(errors, body.Role, required: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (caller.ApiKeyId() is not null)
        {
            return IdentityProblems.Forbidden("API keys are managed from a login session, not with an API key.");
        }
        var role = body.Role ?? caller.Role();
        if (Roles.Rank(role) > Roles.Rank(caller.Role()))
        {
            return IdentityProblems.Forbidden("A key's role cannot exceed yours.");
        }

        var keyId = Guid.CreateVersion7().ToString();
        var secret = SecretTokens.NewApiKey(keyId);
        var key = await grains.GetGrain<IApiKeyGrain>(keyId).CallAsNewAsync(
            g => g.CreateAsync(new CreateApiKey(caller.UserId(), body.Name!, role, SecretTokens.Hash(secret), http.ClientIp())));
        return TypedResults.Created((string?)null, new CreatedApiKeyResponse(key.Id, key.Name, key.Role, secret, key.CreatedAt));
    }

    private static async Task<Ok<Page<ApiKeyResponse>>> ListAsync(
        int? limit,
        int? offset,
        ClaimsPrincipal caller,
        [FromServices] IIdentityDirectory directory,
        CancellationToken cancellationToken)
    {
        var page = PageQuery.From(limit, offset);
        var keys = await directory.ListApiKeysAsync(caller.UserId(), page.ToRange(), cancellationToken);
        return TypedResults.Ok(Page<ApiKeyResponse>.From([.. keys.Items.Select(k => k.ToResponse())], page, keys.Total));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string id,
        ClaimsPrincipal caller,
        HttpContext http,
        [FromServices] IGrainFactory grains)
    {
        if (caller.ApiKeyId() is not null)
        {
            return IdentityProblems.Forbidden("API keys are managed from a login session, not with an API key.");
        }
        // Unknown, already revoked and someone else's look the same: 404, so key ids leak nothing.
        return IdentityProblems.TryCanonicalId(id, out var keyId)
               && await grains.GetGrain<IApiKeyGrain>(keyId).RevokeAsync(new RevokeApiKey(caller.UserId(), http.ClientIp()))
            ? TypedResults.NoContent()
            : IdentityProblems.NotFound("No such API key.");
    }
}
