using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Lists;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Identity;

/// <summary>What the API asks the identity grains' side for: the login check with its audit rows, and the user list.</summary>
public sealed class LoginVerifierTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task ALoginFindsTheUserByNormalizedEmailAndEveryFailureIsAuditedWithItsReason()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await IdentitySilo.StartAsync(database);
        var userId = Guid.NewGuid().ToString();
        await silo.Grains.GetGrain<IUserGrain>(userId).RegisterAsync(new RegisterUser("ann", "ann@example.com", Password, null));
        var logins = silo.Services.GetRequiredService<ILoginVerifier>();

        var right = await logins.VerifyAsync(new LoginAttempt(" Ann@Example.COM", Password, "10.0.0.1"), CancellationToken.None);
        var wrong = await logins.VerifyAsync(new LoginAttempt("ann@example.com", "wrong password", "10.0.0.2"), CancellationToken.None);
        var unknown = await logins.VerifyAsync(new LoginAttempt("Nobody@example.com", Password, "10.0.0.3"), CancellationToken.None);

        Assert.Equal((userId, userId), (right.User?.Id, right.UserId));
        Assert.Equal((null, userId), (wrong.User, wrong.UserId));
        Assert.Equal((null, null), (unknown.User, unknown.UserId));
        Assert.Equal(
            [
                $"{userId}|user:{userId}|10.0.0.2|ann@example.com|wrong_password",
                "-|-|10.0.0.3|nobody@example.com|unknown_email",
            ],
            await QueryAsync(database, """
                SELECT coalesce(user_id, '-') || '|' || coalesce(target, '-') || '|' || ip || '|' || (details->>'email') || '|' || (details->>'reason')
                FROM audit_logs WHERE action = 'login_failed' ORDER BY ip
                """));
    }

    [Fact]
    public async Task TheUserListSortsByAnAllowedFieldAndRefusesAnyOtherSort()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await IdentitySilo.StartAsync(database);
        foreach (var name in new[] { "bea", "cid", "abe" })
        {
            await silo.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString()).RegisterAsync(new RegisterUser(name, $"{name}@example.com", Password, null));
        }
        var directory = silo.Services.GetRequiredService<IIdentityDirectory>();

        var page = await directory.ListUsersAsync("username:desc", new ListRange(2, 0), CancellationToken.None);
        var invalid = await Assert.ThrowsAsync<ValidationException>(
            () => directory.ListUsersAsync("password:asc", new ListRange(2, 0), CancellationToken.None));

        Assert.Equal(["cid", "bea"], page.Items.Select(u => u.Username));
        Assert.Equal(3, page.Total);
        Assert.Equal(["Must be field:asc or field:desc with field one of: created_at, username, email."], invalid.Errors["sort"]);
    }

    private static async Task<List<string>> QueryAsync(string database, string sql)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
