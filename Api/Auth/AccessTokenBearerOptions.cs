using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace OrleansHub.Api.Auth;

/// <summary>
/// Configures JwtBearer for our access tokens: <see cref="AccessTokens"/>' validation parameters (HS256 only,
/// iss, aud, exp, bounded skew), claims kept as issued (<c>sub</c>, <c>sid</c>, <c>role</c>), no error details
/// in <c>WWW-Authenticate</c>, and <see cref="AccessTokenEvents"/> for the hub's query token and the session
/// and user checks.
/// </summary>
internal sealed class AccessTokenBearerOptions(AccessTokens tokens) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != HubAuthentication.BearerScheme)
        {
            return;
        }
        options.MapInboundClaims = false;
        options.IncludeErrorDetails = false;
        options.SaveToken = false;
        options.EventsType = typeof(AccessTokenEvents);
        if (tokens.ValidationParameters is { } validation)
        {
            options.TokenValidationParameters = validation;
        }
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
