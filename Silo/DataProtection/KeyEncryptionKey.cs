using System.Security.Cryptography;
using System.Text;

namespace OrleansHub.Silo.DataProtection;

/// <summary>
/// The AES-256 key that encrypts DataProtection's key material at rest, derived (HKDF-SHA256) from
/// <c>Auth:SigningKey</c>: every silo of a cluster already shares that secret, and the database alone,
/// which holds the key ring, is not enough to read it. Rotating the signing key therefore makes the
/// stored keys unreadable; DataProtection then creates a new key (docs/operations.md, "DataProtection keys").
/// </summary>
internal sealed class KeyEncryptionKey(IConfiguration configuration)
{
    private const string SigningKeySetting = "Auth:SigningKey";
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("OrleansHub DataProtection key encryption v1");

    private readonly Lazy<byte[]> _key = new(() => Derive(configuration[SigningKeySetting]));

    /// <summary>The derived key, 32 bytes.</summary>
    public byte[] Value => _key.Value;

    private static byte[] Derive(string? signingKey)
    {
        // Options validation (Api/Auth) rejects a missing or malformed key at start; this is the backstop.
        if (string.IsNullOrWhiteSpace(signingKey))
        {
            throw new InvalidOperationException($"{SigningKeySetting} is not set; DataProtection's keys are encrypted with a key derived from it.");
        }

        return HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(signingKey.Trim()), outputLength: 32, salt: [], info: Purpose);
    }
}
