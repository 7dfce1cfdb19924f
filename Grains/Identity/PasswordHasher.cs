using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansHub.Grains.Identity;

/// <summary>
/// PBKDF2-HMAC-SHA512 with a per-password random salt, stored as
/// <c>pbkdf2-sha512$&lt;iterations&gt;$&lt;salt&gt;$&lt;hash&gt;</c> (base64) so parameters can change
/// without invalidating old hashes. Pure functions, used by the user grain and by the login verifier's
/// decoy (the same work for an unknown email as for a wrong password).
/// </summary>
public static class PasswordHasher
{
    public const string Algorithm = "pbkdf2-sha512";

    private const int SaltSize = 16;
    private const int HashSize = 64;

    // A stored count above this is corrupt or hostile; verifying it would burn CPU for nothing.
    private const int MaxIterations = 10_000_000;

    public static string Hash(string password, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Derive(password, salt, iterations, HashSize);
        return string.Join('$',
            Algorithm, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>
    /// Compares in constant time. <see cref="PasswordCheck.SuccessRehashNeeded"/> when the password is right
    /// but <paramref name="stored"/> was made with other parameters than <paramref name="iterations"/>.
    /// </summary>
    public static PasswordCheck Verify(string password, string stored, int iterations)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4
            || parts[0] != Algorithm
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var storedIterations)
            || storedIterations is < 1 or > MaxIterations
            || !TryFromBase64(parts[2], out var salt)
            || !TryFromBase64(parts[3], out var expected)
            || salt.Length == 0
            || expected.Length == 0)
        {
            return PasswordCheck.Failed;
        }

        var actual = Derive(password, salt, storedIterations, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordCheck.Failed;
        }

        return storedIterations == iterations && salt.Length == SaltSize && expected.Length == HashSize
            ? PasswordCheck.Success
            : PasswordCheck.SuccessRehashNeeded;
    }

    /// <summary>The iteration count a stored hash was made with, or null when it is not one of ours.</summary>
    public static int? IterationsOf(string stored)
    {
        var parts = stored.Split('$');
        return parts.Length == 4 && parts[0] == Algorithm
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            ? iterations
            : null;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, length);

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}

[GenerateSerializer, Alias("OrleansHub.PasswordCheck")]
public enum PasswordCheck
{
    Failed,
    Success,
    SuccessRehashNeeded,
}
