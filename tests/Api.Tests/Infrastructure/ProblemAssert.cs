using System.Net;
using System.Text.Json;

namespace OrleansHub.Api.Tests.Infrastructure;

/// <summary>Assertions for docs/api.md's error format: problem+json with code and request_id, nothing from the server's insides.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts the response is a problem with this status and code and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        AssertNoServerInternals(text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues("X-Request-Id")), problem.GetProperty("request_id").GetString());
        return problem;
    }

    /// <summary>No stack trace, exception type or framework message in a response body.</summary>
    public static void AssertNoServerInternals(string body)
    {
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("OrleansHub.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"exception\"", body, StringComparison.Ordinal);
    }

    /// <summary>The messages of field <paramref name="field"/> in a validation problem's <c>errors</c>.</summary>
    public static string[] FieldErrors(this JsonElement problem, string field)
    {
        Assert.True(problem.TryGetProperty("errors", out var errors), $"no errors member in {problem}");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {errors}");
        var list = messages.EnumerateArray().Select(message => message.GetString()!).ToArray();
        Assert.NotEmpty(list);
        return list;
    }
}
