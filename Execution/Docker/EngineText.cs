using System.Text;
using System.Text.Json;

namespace OrleansHub.Execution.Docker;

/// <summary>Makes engine-supplied text fit for an error message: printable, one line, short.</summary>
internal static class EngineText
{
    public const int MaxMessageChars = 300;

    public static string Sanitize(string? text, int maxChars = MaxMessageChars)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "(no message)";
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxChars + 3));
        foreach (var c in text)
        {
            if (builder.Length >= maxChars)
            {
                builder.Append("...");
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }

    /// <summary>The <c>message</c> of an engine error body, or the body itself when it is not that JSON.</summary>
    public static string ErrorMessage(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return Sanitize(body);
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return Sanitize(message.GetString());
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall back to the raw text.
        }

        return Sanitize(body[..Math.Min(body.Length, MaxMessageChars * 4)]);
    }
}
