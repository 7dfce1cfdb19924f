using OrleansHub.TestSupport;

namespace OrleansHub.Api.Tests.Infrastructure;

/// <summary>One started silo on a fresh database, shared by the tests of a class (IClassFixture).</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; private set; } = null!;

    /// <summary>A new client on the real server (each with its own headers).</summary>
    public HttpClient CreateClient() => Factory.CreateClient();

    public async Task InitializeAsync()
    {
        Factory = new ApiFactory(await PostgresServer.CreateDatabaseAsync());
        Factory.StartServer();
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
