using System.Globalization;
using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Identity;

public sealed class AuditLogTests(IdentityApiFixture api) : IClassFixture<IdentityApiFixture>
{
    [Fact]
    public async Task EntriesFilterByUserActionAndTimeNewestFirst()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var user = await api.RegisterAsync("audited");
        (await api.LoginAsync(user.Email, "wrong password")).Dispose();
        (await api.LoginAsync(user.Email, IdentityApiFixture.Password)).Dispose();

        var mine = await api.AuditAsync($"user_id={user.Id}");
        var actions = mine.Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["login", "login_failed", "login", "register"], actions);
        Assert.All(mine, e => Assert.Equal(user.Id, e.GetProperty("user_id").GetString()));
        var times = mine.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        Assert.Single(await api.AuditAsync($"user_id={user.Id}&action=register"));
        Assert.Equal(4, (await api.AuditAsync($"user_id={user.Id}&from={Iso(start)}")).Count);
        Assert.Empty(await api.AuditAsync($"user_id={user.Id}&to={Iso(start)}"));
        Assert.Empty(await api.AuditAsync($"user_id={user.Id}&from={Iso(DateTimeOffset.UtcNow.AddHours(1))}"));
        Assert.Single(await api.AuditAsync($"user_id={user.Id}&from={Iso(times[^1])}&to={Iso(times[^1])}"));
    }

    [Fact]
    public async Task ThePageEnvelopeCountsAllMatches()
    {
        var user = await api.RegisterAsync("paged");
        using var admin = api.As(api.Admin);

        using var response = await admin.GetAsync($"/api/v1/audit-logs?user_id={user.Id}&limit=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadJsonAsync();
        Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal(2, page.GetProperty("pagination").GetProperty("total").GetInt64());
        Assert.True(page.GetProperty("pagination").GetProperty("has_next").GetBoolean());
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
}
