using System.ComponentModel.DataAnnotations;

namespace OrleansHub.Api.Conventions.Security;

/// <summary>Cross-origin access (<c>Cors:*</c>).</summary>
public sealed class HubCorsOptions : IValidatableObject
{
    public const string SectionName = "Cors";

    /// <summary>
    /// Origins (scheme://host[:port], no path) whose browser pages may call the API with credentials.
    /// Empty by default: no cross-origin access. "*" is refused: credentials and wildcards do not mix.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")
                || uri.AbsolutePath != "/" || origin.EndsWith('/')
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                yield return new ValidationResult(
                    $"Cors:AllowedOrigins: '{origin}' is not an origin like https://app.example.com (scheme, host and optional port; no path, no '*').",
                    [nameof(AllowedOrigins)]);
            }
        }
    }
}
