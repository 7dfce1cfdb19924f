using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Api.Conventions.Security;

/// <summary>Request size limits (<c>Limits:*</c>).</summary>
public sealed class RequestLimitOptions
{
    public const string SectionName = "Limits";

    /// <summary>Largest request body accepted, in bytes; larger is 413 PAYLOAD_TOO_LARGE. Default 1 MiB.</summary>
    [Range(1, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;
}
