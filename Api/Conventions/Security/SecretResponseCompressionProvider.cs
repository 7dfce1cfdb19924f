using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace OrleansHub.Api.Conventions.Security;

/// <summary>
/// Compression (Brotli, then gzip) for JSON, problem and page responses, except on the routes whose
/// answers carry secrets: BREACH recovers a secret from the compressed length of a response that
/// also reflects attacker-chosen input, and the identity routes return tokens and API keys.
/// Excluding them costs little (the bodies are small) and removes the question.
/// </summary>
internal sealed class SecretResponseCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
    : ResponseCompressionProvider(services, options)
{
    /// <summary>Path prefixes whose responses are never compressed.</summary>
    public static readonly PathString[] UncompressedPrefixes = ["/api/v1/auth", "/api/v1/api-keys"];

    public override bool ShouldCompressResponse(HttpContext context)
    {
        foreach (var prefix in UncompressedPrefixes)
        {
            if (context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return base.ShouldCompressResponse(context);
    }
}
