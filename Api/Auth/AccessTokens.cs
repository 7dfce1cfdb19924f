using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansHub.Api.Auth;

/// <summary>
/// Issues access tokens and says how to validate them (JwtBearer does, <see cref="AccessTokenBearerOptions"/>):
/// JWT, HS256 only, with iss, aud, iat, nbf, exp, jti and the <see cref="HubClaims"/> sub, sid and role.
/// Validation pins the algorithm (so <c>alg: none</c> and any
/// other algorithm fail), requires a signature, exp, the configured iss and aud, and allows at most
/// <see cref="AuthOptions.ClockSkew"/> of skew.
/// </summary>
internal sealed class AccessTokens
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };
    private readonly AuthOptions _options;
    private readonly TimeProvider _clock;
    private readonly SymmetricSecurityKey? _key;

    public AccessTokens(IOptions<AuthOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;

        // A host without a key (the API alone, serving health checks) must still start; the silo
        // refuses to run without one. Using tokens then fails loudly below.
        if (_options.SigningKeyBytes() is { } key)
        {
            _key = new SymmetricSecurityKey(key);
            ValidationParameters = new TokenValidationParameters
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

    /// <summary>What JwtBearer checks (<see cref="AccessTokenBearerOptions"/>); null on a host without a key.</summary>
    public TokenValidationParameters? ValidationParameters { get; }

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
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
            },
        });
    }

    private static InvalidOperationException MissingKey() =>
        new("Auth:SigningKey is not configured; this host cannot issue or validate access tokens.");
}
