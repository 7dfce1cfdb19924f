using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Tests.Infrastructure;
using OrleansHub.Api.Tests.Realtime.Client;

namespace OrleansHub.Api.Tests.Metrics;

/// <summary>GET /metrics (docs/api.md "Operations"): Prometheus text, anonymous, and counters that follow the traffic.</summary>
public sealed class MetricsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task MetricsAreServedAnonymouslyInThePrometheusTextFormat()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, parameter => parameter.Name == "version" && parameter.Value == "0.0.4");
        var scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync()); // asserts every line
        Assert.Equal("histogram", scrape.Types["http_server_request_duration_seconds"]);
        // Orleans' own meter: activations in all and by grain type, grain calls made through this silo.
        Assert.Equal("gauge", scrape.Types["orleans_catalog_activations"]);
        Assert.Equal("gauge", scrape.Types["orleans_grains"]);
        Assert.Equal("histogram", scrape.Types["orleans_app_requests_latency_milliseconds"]);
    }

    [Fact]
    public async Task RequestCountsFollowTheRequestsByRouteAndStatus()
    {
        using var client = api.CreateClient();
        (string, string)[] ok = [("http_route", "/health/live"), ("http_response_status_code", "200")];
        (string, string)[] unauthorized = [("http_route", "/api/v1/auth/me"), ("http_response_status_code", "401")];
        var before = await ScrapeAsync(client);

        for (var i = 0; i < 3; i++)
        {
            (await client.GetAsync("/health/live")).Dispose();
        }
        (await client.GetAsync("/api/v1/auth/me")).Dispose();

        // A request is counted when it has finished on the server, which can be just after the client
        // has its response: wait until the counts arrive, then check they are exact.
        var after = await ScrapeUntilAsync(client, scrape =>
            scrape.Sum("http_server_request_duration_seconds_count", ok) >= before.Sum("http_server_request_duration_seconds_count", ok) + 3
            && scrape.Sum("http_server_request_duration_seconds_count", unauthorized) >= before.Sum("http_server_request_duration_seconds_count", unauthorized) + 1);
        Assert.Equal(before.Sum("http_server_request_duration_seconds_count", ok) + 3, after.Sum("http_server_request_duration_seconds_count", ok));
        Assert.Equal(before.Sum("http_server_request_duration_seconds_count", unauthorized) + 1, after.Sum("http_server_request_duration_seconds_count", unauthorized));
        Assert.True(after.Sum("http_server_request_duration_seconds_sum", ok) > before.Sum("http_server_request_duration_seconds_sum", ok));
    }

    [Fact]
    public async Task HistogramBucketsAreCumulativeAndTheLastOneIsTheCount()
    {
        using var client = api.CreateClient();
        (await client.GetAsync("/health/live")).Dispose();
        var scrape = await ScrapeUntilAsync(client, scrape => scrape.Sum("http_server_request_duration_seconds_count", ("http_route", "/health/live")) > 0);

        var buckets = scrape.Find("http_server_request_duration_seconds_bucket", ("http_route", "/health/live"), ("http_response_status_code", "200")).ToList();

        Assert.NotEmpty(buckets);
        Assert.Equal(buckets.OrderBy(bucket => Bound(bucket)).Select(bucket => bucket.Value), buckets.Select(bucket => bucket.Value).Order());
        Assert.Equal("+Inf", buckets[^1].Labels["le"]);
        Assert.Equal(scrape.Sum("http_server_request_duration_seconds_count", ("http_route", "/health/live"), ("http_response_status_code", "200")), buckets[^1].Value);
    }

    [Fact]
    public async Task GrainCallsAndActivationsAreCounted()
    {
        using var client = api.CreateClient();
        var before = await ScrapeAsync(client);

        await client.RegisterAsync(); // user, session and quota grains, at least

        var after = await ScrapeAsync(client);
        Assert.True(
            after.Sum("orleans_app_requests_latency_milliseconds_count") > before.Sum("orleans_app_requests_latency_milliseconds_count"),
            "grain calls did not move");
        Assert.True(after.Sum("orleans_catalog_activations") >= 1, "no activation reported");
        Assert.True(after.Sum("orleans_grains", ("grain_type", "user")) >= 1, "no user activation reported");
    }

    [Fact]
    public async Task GroupCommitsAreCountedAndTimed()
    {
        using var client = api.CreateClient();
        var before = await ScrapeAsync(client);

        await client.RegisterAsync(); // writes the user's and the session's state

        var after = await ScrapeAsync(client);
        var commits = after.Sum("orleanshub_storage_commits_total") - before.Sum("orleanshub_storage_commits_total");
        var writes = after.Sum("orleanshub_storage_writes_total") - before.Sum("orleanshub_storage_writes_total");
        Assert.True(commits >= 1, "no commit counted");
        Assert.True(writes >= Math.Max(2, commits), $"{writes} writes in {commits} commits");
        Assert.Equal("histogram", after.Types["orleanshub_storage_commit_duration_seconds"]);
        Assert.True(after.Sum("orleanshub_storage_commit_duration_seconds_count") - before.Sum("orleanshub_storage_commit_duration_seconds_count") >= commits);
        Assert.Equal("gauge", after.Types["orleanshub_storage_write_queue"]);
        Assert.Equal("counter", after.Types["orleanshub_storage_rollbacks_total"]);
    }

    [Fact]
    public async Task HubConnectionsAreCountedWhileOpen()
    {
        using var client = api.CreateClient();
        var user = await client.RegisterAsync();
        var before = await ScrapeAsync(client);

        var hub = await StatusHubClient.ConnectAsync(api.Factory.ClientOptions.BaseAddress, accessToken: user.AccessToken);
        var open = await ScrapeAsync(client);
        await hub.DisposeAsync();
        // The server sees the close just after the client: wait for both series to settle.
        var closed = await ScrapeUntilAsync(client, scrape =>
            scrape.Sum("signalr_server_connection_duration_seconds_count") > before.Sum("signalr_server_connection_duration_seconds_count")
            && scrape.Sum("signalr_server_active_connections") <= before.Sum("signalr_server_active_connections"));

        Assert.Equal(before.Sum("signalr_server_active_connections") + 1, open.Sum("signalr_server_active_connections"));
        Assert.Equal(before.Sum("signalr_server_active_connections"), closed.Sum("signalr_server_active_connections"));
        Assert.Equal(before.Sum("signalr_server_connection_duration_seconds_count") + 1, closed.Sum("signalr_server_connection_duration_seconds_count"));
    }

    [Fact]
    public async Task HubEventsSentAndConnectionsClosedByTheServerAreCounted()
    {
        using var client = api.CreateClient();
        var user = await client.RegisterAsync();
        using var owner = api.CreateClient().WithBearer(user.AccessToken);
        string workspace;
        using (var created = await owner.PostJsonAsync("/api/v1/workspaces", new { name = "metrics" }))
        {
            workspace = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;
        }
        await using var hub = await StatusHubClient.ConnectAsync(api.Factory.ClientOptions.BaseAddress, accessToken: user.AccessToken);
        await hub.SubscribeAsync($"workspace:{workspace}");
        var before = await ScrapeAsync(client);

        (await owner.PutJsonAsync($"/api/v1/workspaces/{workspace}", new { name = "renamed" })).Dispose();
        await hub.EventsUntilAsync(e => e.Stream == $"workspace:{workspace}");
        (await owner.PostAsync("/api/v1/auth/logout", null)).Dispose();
        await hub.Closed.WaitAsync(Deadline);

        var after = await ScrapeUntilAsync(client, scrape =>
            scrape.Sum("orleanshub_hub_connections_closed_total", ("reason", "session_ended")) > before.Sum("orleanshub_hub_connections_closed_total", ("reason", "session_ended")));
        Assert.True(after.Sum("orleanshub_hub_events_sent_total") > before.Sum("orleanshub_hub_events_sent_total"), "no event counted");
        Assert.Equal("counter", after.Types["orleanshub_hub_events_sent_total"]);
        Assert.Equal(0, after.Sum("orleanshub_hub_connections_closed_total", ("reason", "overflow")) - before.Sum("orleanshub_hub_connections_closed_total", ("reason", "overflow")));
    }

    [Fact]
    public async Task ProcessMemoryAndGarbageCollectionAreExposed()
    {
        using var client = api.CreateClient();

        var scrape = await ScrapeAsync(client);

        Assert.True(scrape.Sum("dotnet_process_memory_working_set_bytes") > 0);
        Assert.Equal("counter", scrape.Types["dotnet_gc_collections_total"]);
        Assert.Contains(scrape.Find("dotnet_gc_collections_total"), sample => sample.Labels.ContainsKey("gc_heap_generation"));
    }

    [Fact]
    public async Task OwnInstrumentsAreNamedEscapedAndBucketedAsPrometheusExpects()
    {
        // A meter of this host's factory, as any OrleansHub feature would create one.
        using var meter = api.Factory.Services.GetRequiredService<IMeterFactory>().Create("OrleansHub.Tests.Exposition");
        var counter = meter.CreateCounter<long>("orleanshub.tests.jobs", "{job}", "Jobs\\done\nso far");
        var histogram = meter.CreateHistogram<double>("orleanshub.tests.wait", "s", "Wait",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        counter.Add(2, new KeyValuePair<string, object?>("queue.name", "a \"quoted\" \\ name\nline two"));
        counter.Add(3, new KeyValuePair<string, object?>("queue.name", "a \"quoted\" \\ name\nline two"));
        histogram.Record(0.05);
        histogram.Record(0.5);
        histogram.Record(5);
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("# HELP orleanshub_tests_jobs_total Jobs\\\\done\\nso far\n", text, StringComparison.Ordinal);
        Assert.Contains("orleanshub_tests_jobs_total{queue_name=\"a \\\"quoted\\\" \\\\ name\\nline two\"} 5\n", text, StringComparison.Ordinal);
        var scrape = PrometheusScrape.Parse(text);
        Assert.Equal("counter", scrape.Types["orleanshub_tests_jobs_total"]);
        Assert.Equal(5, scrape.Sum("orleanshub_tests_jobs_total", ("queue_name", "a \"quoted\" \\ name\nline two")));
        Assert.Equal("histogram", scrape.Types["orleanshub_tests_wait_seconds"]);
        Assert.Equal(1, scrape.Sum("orleanshub_tests_wait_seconds_bucket", ("le", "0.1")));
        Assert.Equal(2, scrape.Sum("orleanshub_tests_wait_seconds_bucket", ("le", "1")));
        Assert.Equal(3, scrape.Sum("orleanshub_tests_wait_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(3, scrape.Sum("orleanshub_tests_wait_seconds_count"));
        Assert.Equal(5.55, scrape.Sum("orleanshub_tests_wait_seconds_sum"), precision: 10);
    }

    [Fact]
    public async Task MetersOutsideTheExposedSetAreNotListed()
    {
        using var meter = api.Factory.Services.GetRequiredService<IMeterFactory>().Create("Somebody.Else");
        meter.CreateCounter<long>("somebody.else.calls").Add(1);
        using var client = api.CreateClient();

        var scrape = await ScrapeAsync(client);

        Assert.DoesNotContain(scrape.Samples, sample => sample.Name.StartsWith("somebody_else", StringComparison.Ordinal));
    }

    private static double Bound(Sample bucket) =>
        bucket.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(bucket.Labels["le"], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<PrometheusScrape> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<PrometheusScrape> ScrapeUntilAsync(HttpClient client, Func<PrometheusScrape, bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var scrape = await ScrapeAsync(client);
            if (condition(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }
            await Task.Delay(50);
        }
    }
}
