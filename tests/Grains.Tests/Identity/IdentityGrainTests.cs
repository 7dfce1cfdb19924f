using System.Globalization;
using Npgsql;
using OrleansHub.Grains.Identity;
using OrleansHub.Grains.Interfaces.Errors;
using OrleansHub.Grains.Interfaces.Identity;
using OrleansHub.Grains.Interfaces.Lists;
using OrleansHub.Grains.Tests.Infrastructure;
using OrleansHub.TestSupport;

namespace OrleansHub.Grains.Tests.Identity;

/// <summary>
/// The identity grains on a real silo and database: what commits together, and what races; and what the API
/// asks their side for (the login check with its audit rows, the user list).
/// </summary>
public sealed class IdentityGrainTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task ThePasswordIsRehashedAtLoginWhenTheIterationCountChanged()
    {
        var database = await postgres.CreateDatabaseAsync();
        var userId = Guid.NewGuid().ToString();
        await using (var before = await StartSiloAsync(database, iterations: 1_000))
        {
            await before.Grains.GetGrain<IUserGrain>(userId).RegisterAsync(new RegisterUser("ann", "ann@example.com", Password, null));
        }
        Assert.Equal(1_000, PasswordHasher.IterationsOf(await StoredPasswordHashAsync(database, userId)));

        await using var after = await StartSiloAsync(database, iterations: 2_000);
        var user = after.Grains.GetGrain<IUserGrain>(userId);

        Assert.Null(await user.VerifyPasswordAsync(new VerifyPassword("wrong password")));
        Assert.Equal(1_000, PasswordHasher.IterationsOf(await StoredPasswordHashAsync(database, userId)));

        Assert.NotNull(await user.VerifyPasswordAsync(new VerifyPassword(Password)));
        var rehashed = await StoredPasswordHashAsync(database, userId);
        Assert.Equal(2_000, PasswordHasher.IterationsOf(rehashed));
        Assert.Equal(PasswordCheck.Success, PasswordHasher.Verify(Password, rehashed, 2_000));
        Assert.NotNull(await user.VerifyPasswordAsync(new VerifyPassword(Password)));
    }

    [Fact]
    public async Task OfConcurrentFirstRegistrationsExactlyOneBecomesAdmin()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await DomainSilo.StartAsync(database);

        var registrations = Enumerable.Range(0, 8).Select(i =>
            silo.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString())
                .RegisterAsync(new RegisterUser($"u{i}", $"u{i}@example.com", Password, null)));
        var users = await Task.WhenAll(registrations);

        var admin = Assert.Single(users, u => u.Role == Roles.Admin);
        Assert.All(users.Where(u => u != admin), u => Assert.Equal(Roles.User, u.Role));

        // The index agrees with the grains, and the first-admin claim names the winner.
        Assert.Equal(
            users.OrderBy(u => u.Id, StringComparer.Ordinal).Select(u => $"{u.Id}={u.Role}"),
            await QueryAsync(database, "SELECT id || '=' || role FROM users ORDER BY id COLLATE \"C\""));
        Assert.Equal([admin.Id], await QueryAsync(database, "SELECT user_id FROM first_admin"));
        Assert.Equal(8, (await QueryAsync(database, "SELECT id FROM audit_logs WHERE action = 'register'")).Count);
    }

    [Fact]
    public async Task ADuplicateEmailInAnyCaseConflictsAndCommitsNothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await DomainSilo.StartAsync(database);
        await silo.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString()).RegisterAsync(new RegisterUser("a", "Same@Example.com", Password, null));
        var second = silo.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString());

        await Assert.ThrowsAsync<ConflictException>(() => second.RegisterAsync(new RegisterUser("b", " same@EXAMPLE.com", Password, null)));

        Assert.Null(await second.GetAsync());
        Assert.Equal(["same@example.com"], await QueryAsync(database, "SELECT email FROM users"));
        Assert.Single(await QueryAsync(database, "SELECT id FROM audit_logs WHERE action = 'register'"));
    }

    [Fact]
    public async Task AReplayedRefreshTokenRevokesTheSessionEvenAfterARestartAndTellsTheUsersStream()
    {
        var database = await postgres.CreateDatabaseAsync();
        var now = DateTimeOffset.UtcNow;
        var sessionId = Guid.NewGuid().ToString();
        await using (var before = await DomainSilo.StartAsync(database))
        {
            var started = before.Grains.GetGrain<ISessionGrain>(sessionId);
            await started.StartAsync(new StartSession("u1", "h0", now.AddDays(1), now.AddDays(2), "password", "10.0.0.1"));
            Assert.Equal(RefreshOutcome.Rotated, (await started.RefreshAsync(new RotateRefreshToken("h0", "h1", now.AddDays(1), null))).Outcome);
        }

        // The family of used tokens is stored state, not memory: a new silo still recognises the replay.
        await using var silo = await DomainSilo.StartAsync(database);
        var session = silo.Grains.GetGrain<ISessionGrain>(sessionId);
        Assert.True((await session.GetAsync())!.Active);
        Assert.Equal(RefreshOutcome.Reused, (await session.RefreshAsync(new RotateRefreshToken("h0", "h2", now.AddDays(1), "10.6.6.6"))).Outcome);

        Assert.False((await session.GetAsync())!.Active);
        Assert.Equal(RefreshOutcome.Revoked, (await session.RefreshAsync(new RotateRefreshToken("h1", "h3", now.AddDays(1), null))).Outcome);
        Assert.Equal(
            [$"session.revoked:{sessionId}"],
            await QueryAsync(database, "SELECT type || ':' || (data->>'session_id') FROM stream_events WHERE stream_id = 'user:u1'"));
        Assert.Equal(
            ["login:10.0.0.1", "refresh_token_reused:10.6.6.6"],
            await QueryAsync(database, "SELECT action || ':' || ip FROM audit_logs ORDER BY at, action"));
    }

    [Fact]
    public async Task ARevokedKeyStopsVerifyingAndOnlyItsOwnerCanRevokeIt()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await DomainSilo.StartAsync(database);
        var keyId = Guid.NewGuid().ToString();
        var key = silo.Grains.GetGrain<IApiKeyGrain>(keyId);
        await key.CreateAsync(new CreateApiKey("owner", "ci", Roles.User, "secret-hash", null));

        Assert.NotNull(await key.VerifyAsync("secret-hash"));
        Assert.False(await key.RevokeAsync(new RevokeApiKey("someone-else", null)));
        Assert.NotNull(await key.VerifyAsync("secret-hash"));
        Assert.True(await key.RevokeAsync(new RevokeApiKey("owner", null)));

        Assert.Null(await key.VerifyAsync("secret-hash"));
        Assert.False(await key.RevokeAsync(new RevokeApiKey("owner", null)));
        Assert.Equal(["revoked"], await QueryAsync(database, "SELECT CASE WHEN revoked_at IS NULL THEN 'active' ELSE 'revoked' END FROM api_keys"));
        Assert.Equal(
            ["api_key_created", "api_key_revoked"],
            await QueryAsync(database, "SELECT action FROM audit_logs ORDER BY at, action"));
    }

    [Fact]
    public async Task ALoginFindsTheUserByNormalizedEmailAndEveryFailureIsAuditedWithItsReason()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var silo = await DomainSilo.StartAsync(database);
        var userId = Guid.NewGuid().ToString();
        await silo.Grains.GetGrain<IUserGrain>(userId).RegisterAsync(new RegisterUser("ann", "ann@example.com", Password, null));
        var logins = silo.Cluster.Service<ILoginVerifier>();

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
        await using var silo = await DomainSilo.StartAsync(database);
        foreach (var name in new[] { "bea", "cid", "abe" })
        {
            await silo.Grains.GetGrain<IUserGrain>(Guid.NewGuid().ToString()).RegisterAsync(new RegisterUser(name, $"{name}@example.com", Password, null));
        }
        var directory = silo.Cluster.Service<IIdentityDirectory>();

        var page = await directory.ListUsersAsync("username:desc", new ListRange(2, 0), CancellationToken.None);
        var invalid = await Assert.ThrowsAsync<ValidationException>(
            () => directory.ListUsersAsync("password:asc", new ListRange(2, 0), CancellationToken.None));

        Assert.Equal(["cid", "bea"], page.Items.Select(u => u.Username));
        Assert.Equal(3, page.Total);
        Assert.Equal(["Must be field:asc or field:desc with field one of: created_at, username, email."], invalid.Errors["sort"]);
    }

    private static Task<DomainSilo> StartSiloAsync(string database, int iterations) =>
        DomainSilo.StartAsync(database, new Dictionary<string, string?>
        {
            [DomainSilo.IterationsKey] = iterations.ToString(CultureInfo.InvariantCulture),
        });

    private static async Task<string> StoredPasswordHashAsync(string database, string userId) =>
        Assert.Single(await QueryAsync(database, $"SELECT state->>'password_hash' FROM grain_state WHERE grain_type = 'user' AND grain_key = '{userId}'"));

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
