using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansHub.Api.Auth;

/// <summary>
/// Issues and validates access tokens: JWT, HS256 only, with iss, aud, iat, nbf, exp, jti and the
/// <see cref="HubClaims"/> sub, sid and role. Validation pins the algorithm (so <c>alg: none</c> and any
/// other algorithm fail), requires a signature, exp, the configured iss and aud, and allows at most
/// <see cref="AuthOptions.ClockSkew"/> of skew.
/// </summary>
internal sealed class AccessTokens
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };
    private readonly AuthOptions _options;
    private readonly TimeProvider _clock;
    private readonly SymmetricSecurityKey? _key;
    private readonly TokenValidationParameters? _validation;

    public AccessTokens(IOptions<AuthOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;

        // A host without a key (the API alone, serving health checks) must still start; the silo
        // refuses to run without one. Using tokens then fails loudly below.
        if (_options.SigningKeyBytes() is { } key)
        {
            _key = new SymmetricSecurityKey(key);
            _validation = new TokenValidationParameters
            {
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                IssuerSigningKey = _key,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                ValidIssuer = _options.Issuer,
                ValidateIssuer = true,
                ValidAudience = _options.Audience,
                ValidateAudience = true,
                RequireAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = _options.ClockSkew,
                NameClaimType = HubClaims.Subject,
                RoleClaimType = HubClaims.Role,
            };
        }
    }

    public int LifetimeSeconds => (int)_options.AccessTokenLifetime.TotalSeconds;

    public string Issue(string userId, string sessionId, string role)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(_key ?? throw MissingKey(), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                [HubClaims.Subject] = userId,
                [HubClaims.SessionId] = sessionId,
                [HubClaims.Role] = role,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        });
    }

    /// <summary>The token's subject and session when it is valid; null otherwise.</summary>
    public async Task<(string UserId, string SessionId)?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, _validation ?? throw MissingKey()).ConfigureAwait(false);
        if (!result.IsValid
            || !result.Claims.TryGetValue(HubClaims.Subject, out var sub) || sub is not string userId || !Guid.TryParse(userId, out _)
            || !result.Claims.TryGetValue(HubClaims.SessionId, out var sid) || sid is not string sessionId || !Guid.TryParse(sessionId, out _))
        {
            return null;
        }
        return (userId, sessionId);
    }

    private static InvalidOperationException MissingKey() =>
        new("Auth:SigningKey is not configured; this host cannot issue or validate access tokens.");
}
