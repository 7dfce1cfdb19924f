using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace OrleansHub.Api.Auth;

/// <summary>
/// Opaque high-entropy secrets: refresh tokens <c>&lt;session id&gt;.&lt;secret&gt;</c> and API keys
/// <c>ohk_&lt;key id&gt;_&lt;secret&gt;</c>. The id part routes the request to its grain (no table lookup per
/// request); only the SHA-256 of the whole token is stored. SHA-256 without salt or stretching is enough
/// for 256-bit random secrets: there is nothing to guess.
/// </summary>
internal static class SecretTokens
{
    public const string ApiKeyPrefix = "ohk_";

    private const int SecretBytes = 32;
    private const int IdLength = 32; // a UUID in "N" format
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);

    public static string Hash(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewRefreshToken(string sessionId) => $"{Guid.Parse(sessionId):N}.{NewSecret()}";

    /// <summary>The session a refresh token claims to belong to; false when it is not shaped like ours.</summary>
    public static bool TryReadRefreshToken(string? token, out string sessionId) =>
        TryReadId(token, "", '.', out sessionId);

    public static string NewApiKey(string keyId) => $"{ApiKeyPrefix}{Guid.Parse(keyId):N}_{NewSecret()}";

    /// <summary>The key id an API key claims; false when it is not shaped like ours.</summary>
    public static bool TryReadApiKey(string? key, out string keyId) =>
        TryReadId(key, ApiKeyPrefix, '_', out keyId);

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    private static bool TryReadId(string? token, string prefix, char separator, out string id)
    {
        id = "";
        if (token is null
            || token.Length != prefix.Length + IdLength + 1 + SecretLength
            || !token.StartsWith(prefix, StringComparison.Ordinal)
            || token[prefix.Length + IdLength] != separator
            || !Guid.TryParseExact(token.AsSpan(prefix.Length, IdLength), "N", out var guid))
        {
            return false;
        }
        id = guid.ToString();
        return true;
    }
}
