using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Identity;

/// <summary>The production hashing parameters, end to end (the other identity tests lower them for speed).</summary>
public sealed class PasswordParameterTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task ByDefaultPasswordsAreHashedWith210000Iterations()
    {
        using var client = api.CreateClient();
        var email = $"slow-{Guid.NewGuid():N}@example.com";

        using var register = await client.PostJsonAsync("/api/v1/auth/register", new { username = "slow", email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var userId = (await register.ReadJsonAsync()).GetProperty("user").GetProperty("id").GetString();

        await using var command = api.Factory.Services.GetRequiredService<NpgsqlDataSource>()
            .CreateCommand("SELECT state->>'password_hash' FROM grain_state WHERE grain_type = 'user' AND grain_key = $1");
        command.Parameters.Add(new() { Value = userId! });
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.StartsWith("pbkdf2-sha512$210000$", stored, StringComparison.Ordinal);

        using var login = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task FewerIterationsRefuseToStartOutsideTheTestingEnvironment()
    {
        await using var factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), new Dictionary<string, string?>
        {
            ["environment"] = "Staging",
            ["Auth:Passwords:Iterations"] = "1000",
        });

        // The silo logs the reason and exits; IdentityOptionsTests checks the reason itself.
        Assert.ThrowsAny<Exception>(factory.StartServer);
    }
}
