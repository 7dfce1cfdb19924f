using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansHub.Grains.Payments;

/// <summary>Payments, bound from the "Payments" configuration section. Nothing is required: without a gateway, payments answer 503.</summary>
public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>An initiated payment not confirmed within this time expires. Default 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Expiry { get; set; } = TimeSpan.FromMinutes(10);

    public PaymentGatewayOptions Gateway { get; set; } = new();
}

/// <summary>The Toss Payments-protocol gateway ("Payments:Gateway").</summary>
public sealed class PaymentGatewayOptions
{
    /// <summary>The provider's API root, e.g. https://api.tosspayments.com. Unset: no gateway.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The merchant's secret key, sent as HTTP Basic user name with an empty password. Required with <see cref="BaseUrl"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>How long one call to the provider may take. Default 10 seconds (below the grain call timeout).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl);
}

/// <summary>A base URL needs a secret key and must be an absolute http(s) URL; the timeout must be sane.</summary>
internal sealed class PaymentOptionsValidator : IValidateOptions<PaymentOptions>
{
    public ValidateOptionsResult Validate(string? name, PaymentOptions options)
    {
        var gateway = options.Gateway;
        var failures = new List<string>();
        if (gateway.IsConfigured)
        {
            if (!Uri.TryCreate(gateway.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                failures.Add("Payments:Gateway:BaseUrl must be an absolute http or https URL.");
            }
            if (string.IsNullOrWhiteSpace(gateway.SecretKey))
            {
                failures.Add("Payments:Gateway:SecretKey is required when Payments:Gateway:BaseUrl is set.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(gateway.SecretKey))
        {
            failures.Add("Payments:Gateway:SecretKey is set but Payments:Gateway:BaseUrl is not.");
        }
        if (gateway.Timeout <= TimeSpan.Zero || gateway.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Payments:Gateway:Timeout must be more than 0 and at most 1 minute.");
        }
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
