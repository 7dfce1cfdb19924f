using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansHub.Silo.Postgres;
using OrleansHub.Silo.Tests.Support;
using OrleansHub.TestSupport;

namespace OrleansHub.Silo.Tests.Api;

public sealed class HealthEndpointsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task ReadyIsOkWhenPostgresAnswers()
    {
        await using var api = await ApiHost.StartAsync(postgres.ConnectionString);

        using var response = await api.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ready"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReadyIsAServiceUnavailableProblemWhenPostgresIsUnreachable()
    {
        await using var api = await ApiHost.StartAsync(ClosedPortConnectionString());

        using var response = await api.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        await AssertServiceUnavailableProblemAsync(response);
    }

    [Fact]
    public async Task ReadyIsAServiceUnavailableProblemWhenPostgresAcceptsButNeverAnswers()
    {
        // The kernel completes the handshake for the listen backlog; nobody ever answers.
        using var silent = new TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        await using var api = await ApiHost.StartAsync($"Host=127.0.0.1;Port={port};Username=postgres;Database=none;Timeout=60");

        using var response = await api.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        await AssertServiceUnavailableProblemAsync(response);
    }

    [Fact]
    public async Task ReadyIsAServiceUnavailableProblemOnceShutdownBegins()
    {
        await using var api = await ApiHost.StartAsync(postgres.ConnectionString);
        using (var before = await api.Client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // What SIGTERM does (the console lifetime asks the application to stop); the server still answers
        // until the host has stopped, which the test never lets it do.
        api.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        using var response = await api.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        await AssertServiceUnavailableProblemAsync(response);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("The node is shutting down.", problem.RootElement.GetProperty("detail").GetString());
        using var live = await api.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task LiveIsOkEvenWhenPostgresIsUnreachable()
    {
        await using var api = await ApiHost.StartAsync(ClosedPortConnectionString());

        using var response = await api.Client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"live"}""", await response.Content.ReadAsStringAsync());
    }

    private static string ClosedPortConnectionString() =>
        $"Host=127.0.0.1;Port={EmbeddedPostgres.FindFreePort()};Username=postgres;Database=none;Timeout=5";

    private static async Task AssertServiceUnavailableProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("SERVICE_UNAVAILABLE", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues("X-Request-Id")), problem.RootElement.GetProperty("request_id").GetString());
    }
}
