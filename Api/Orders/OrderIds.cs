using System.Security.Cryptography;
using System.Text;
using OrleansHub.Grains.Interfaces.Errors;

namespace OrleansHub.Api.Orders;

/// <summary>
/// Order ids. With an <c>Idempotency-Key</c> the id is derived from (customer, key), so every duplicate of a
/// create, however concurrent, reaches the same order grain, whose turns run one at a time: the first creates,
/// the rest find it. Without a key, a new time-ordered id (<see cref="Ids.New"/>).
/// </summary>
internal static class OrderIds
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKey = 255;

    public static string New() => Ids.New();

    public static string ForIdempotencyKey(string customerId, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"orleanshub/order-idempotency/v1\n{customerId}\n{key}"));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    /// <summary>Null when no key (or an empty one) was sent; 400 for an overlong one or one with other than printable ASCII.</summary>
    public static string? ValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }
        if (key.Length > MaxIdempotencyKey || !key.All(c => c is >= '!' and <= '~'))
        {
            throw new ValidationException("idempotency-key", $"1 to {MaxIdempotencyKey} printable ASCII characters without spaces.");
        }
        return key;
    }
}
