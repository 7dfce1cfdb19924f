using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace OrleansHub.Api.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: both ways to authenticate (a bearer JWT, an
/// <c>X-API-Key</c> header) as security schemes, required on every operation that is not anonymous.
/// An operation counts as authenticated exactly when the authorization middleware would demand it:
/// it has authorization metadata, or there is a fallback policy, and it is not marked anonymous.
/// </summary>
internal static class HubOpenApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string BearerScheme = "Bearer";
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKeyHeader = "X-API-Key";

    public static IServiceCollection AddHubOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "OrleansHub API",
                    Version = "v1",
                    Description = "Errors are application/problem+json with `code` and `request_id`. " +
                                  "Authenticate with `Authorization: Bearer <access_token>` or `X-API-Key: <key>`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Access token from /api/v1/auth/login, /register or /refresh.",
                };
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyHeader,
                    Description = "API key from POST /api/v1/api-keys.",
                };
                return Task.CompletedTask;
            });

            options.AddOperationTransformer((operation, context, _) =>
            {
                var fallback = context.ApplicationServices.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy;
                if (!RequiresAuthentication(context.Description.ActionDescriptor.EndpointMetadata, fallback is not null))
                {
                    return Task.CompletedTask;
                }

                // Either scheme satisfies an operation: two requirements are alternatives.
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] });
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Missing, invalid, expired or revoked credentials." });
                return Task.CompletedTask;
            });
        });

    /// <summary>Anonymous, like the API page: clients need the contract before they have credentials.</summary>
    public static IEndpointRouteBuilder MapHubOpenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi(DocumentPath).AllowAnonymous().ExcludeFromDescription();
        return routes;
    }

    /// <summary>Mirrors the authorization middleware: explicit anonymity wins, then metadata or a fallback policy.</summary>
    internal static bool RequiresAuthentication(IList<object> metadata, bool hasFallbackPolicy)
    {
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return false;
        }

        return hasFallbackPolicy
               || metadata.OfType<IAuthorizeData>().Any()
               || metadata.OfType<AuthorizationPolicy>().Any()
               || metadata.OfType<IAuthorizationRequirementData>().Any();
    }
}
