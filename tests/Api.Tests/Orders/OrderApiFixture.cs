using System.Net;
using OrleansHub.Api.Tests.Identity;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Payments.Support;
using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Orders;

/// <summary>
/// A silo for the store, order and payment suites, with its payment gateway pointed at a fake Toss Payments
/// server on 127.0.0.1, and a first (admin) user so everyone registered later is a plain user.
/// </summary>
public sealed class OrderApiFixture : IAsyncLifetime
{
    public FakeTossServer Toss { get; private set; } = null!;

    public ApiFactory Factory { get; private set; } = null!;

    public SignedInUser Admin { get; private set; } = null!;

    /// <summary>Settings for a silo of these suites: fast password hashing and, with <paramref name="toss"/>, a gateway.</summary>
    public static Dictionary<string, string?> Settings(FakeTossServer? toss, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Auth:Passwords:Iterations"] = "1000" };
        if (toss is not null)
        {
            settings["Payments:Gateway:BaseUrl"] = toss.BaseUrl;
            settings["Payments:Gateway:SecretKey"] = FakeTossServer.SecretKey;
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    public async Task InitializeAsync()
    {
        Toss = await FakeTossServer.StartAsync();
        Factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync(), Settings(Toss));
        Factory.StartServer();
        Admin = await Factory.RegisterAsync("first-admin");
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Toss.DisposeAsync();
    }

    public HttpClient As(SignedInUser user) => Factory.As(user);

    public Task<SignedInUser> RegisterAsync(string name = "user") => Factory.RegisterAsync(name);

    /// <summary>A store of <paramref name="owner"/> with the test menu.</summary>
    public async Task<TestStore> StoreOfAsync(SignedInUser owner)
    {
        using var client = As(owner);
        return await client.CreateStoreAsync();
    }

    /// <summary>A store with the test menu, of a new owner nobody else in the test plays.</summary>
    public async Task<TestStore> AnyStoreAsync() => await StoreOfAsync(await RegisterAsync("owner"));

    /// <summary>The order as <paramref name="user"/> reads it.</summary>
    public async Task<System.Text.Json.JsonElement> OrderAsSeenByAsync(SignedInUser user, string orderId)
    {
        using var client = As(user);
        return await client.GetOrderAsync(orderId);
    }

    /// <summary>A user whose role the admin set to viewer (read-only).</summary>
    public async Task<SignedInUser> RegisterViewerAsync()
    {
        var user = await RegisterAsync("viewer");
        using var admin = As(Admin);
        using var response = await admin.PutJsonAsync($"/api/v1/users/{user.Id}/role", new { role = "viewer" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return user with { Role = "viewer" };
    }
}

/// <summary>Registration and clients on any silo of these suites (the shared fixture's, or one a test starts itself).</summary>
public static class OrderSiloUsers
{
    public static HttpClient As(this ApiFactory factory, SignedInUser user) => factory.CreateClient().WithBearer(user.AccessToken);

    public static async Task<SignedInUser> RegisterAsync(this ApiFactory factory, string name = "user")
    {
        using var client = factory.CreateClient();
        var email = $"{name}-{Guid.NewGuid():N}@example.com";
        using var response = await client.PostJsonAsync("/api/v1/auth/register", new { username = name, email, password = IdentityApiFixture.Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return SignedInUser.From(await response.ReadJsonAsync(), email);
    }
}
