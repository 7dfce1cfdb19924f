using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace OrleansHub.Api.Auth;

/// <summary>
/// The API's authentication: one policy scheme, <see cref="Scheme"/>, that forwards each request to
/// <see cref="ApiKeyScheme"/> when it carries <see cref="ApiKeyHeader"/> and to <see cref="BearerScheme"/>
/// (ASP.NET Core's JwtBearer, docs/identity.md) otherwise.
/// </summary>
public static class HubAuthentication
{
    public const string Scheme = "Hub";

    /// <summary>Access tokens, validated by JwtBearer with <see cref="AccessTokens"/>' parameters.</summary>
    public const string BearerScheme = JwtBearerDefaults.AuthenticationScheme;

    public const string ApiKeyScheme = "ApiKey";

    public const string ApiKeyHeader = "X-API-Key";

    /// <summary>Browsers cannot set headers on WebSockets/SSE, so hub requests may carry the token here.</summary>
    public const string AccessTokenQuery = "access_token";

    /// <summary>Paths where <see cref="AccessTokenQuery"/> is accepted (the SignalR hubs), and nowhere else.</summary>
    public const string HubPathPrefix = "/hubs";

    /// <summary>The scheme a request is authenticated by: an API key header decides.</summary>
    public static string SelectScheme(HttpContext context) =>
        context.Request.Headers.ContainsKey(ApiKeyHeader) ? ApiKeyScheme : BearerScheme;
}
