using System.Net;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Identity;

public sealed class FirstAdminTests(EmptyIdentityApiFixture api) : IClassFixture<EmptyIdentityApiFixture>
{
    [Fact]
    public async Task OfConcurrentFirstRegistrationsExactlyOneIsAdminAndLaterOnesAreUsers()
    {
        var first = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => api.RegisterAsync($"racer{i}")));

        var admin = Assert.Single(first, u => u.Role == "admin");
        Assert.All(first.Where(u => u != admin), u => Assert.Equal("user", u.Role));
        Assert.Equal("user", (await api.RegisterAsync("latecomer")).Role);

        // The admin really holds the role: the admin-only list answers, and shows one admin.
        using var client = api.As(admin);
        using var response = await client.GetAsync("/api/v1/users?limit=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var users = (await response.ReadJsonAsync()).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(6, users.Count);
        Assert.Equal(admin.Id, Assert.Single(users, u => u.GetProperty("role").GetString() == "admin").GetProperty("id").GetString());
    }
}
