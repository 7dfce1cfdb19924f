using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Metrics;

/// <summary>
/// How the silo's instruments reach prometheus-net (Api/Metrics): Orleans' own meter, families declared
/// before their first value, observable instruments read at each scrape, OpenMetrics on request, and the
/// endpoint's method, anonymity and OpenAPI description.
/// </summary>
public sealed class PrometheusExportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task OrleansOwnMeterCountsActivationsCreatedByGrainType()
    {
        using var client = api.CreateClient();
        var before = await PrometheusScrape.FetchAsync(client);

        await client.RegisterAsync(); // a new user grain activates

        var after = await PrometheusScrape.FetchAsync(client);
        Assert.Equal("counter", after.Types["orleans_catalog_activation_created_total"]);
        Assert.True(
            after.Sum("orleans_catalog_activation_created_total", ("grain_type", "user")) > before.Sum("orleans_catalog_activation_created_total", ("grain_type", "user")),
            "no user activation counted by meter Microsoft.Orleans");
        Assert.Equal("counter", after.Types["orleans_messaging_sent_local_total"]);
    }

    [Fact]
    public async Task AnInstrumentIsListedBeforeItsFirstMeasurement()
    {
        using var meter = api.Factory.Services.GetRequiredService<IMeterFactory>().Create("OrleansHub.Tests.Untouched");
        meter.CreateCounter<long>("orleanshub.tests.untouched", "{call}", "Never added to");
        using var client = api.CreateClient();

        var scrape = await PrometheusScrape.FetchAsync(client);

        Assert.Equal("counter", scrape.Types["orleanshub_tests_untouched_total"]);
        Assert.DoesNotContain(scrape.Samples, sample => sample.Name == "orleanshub_tests_untouched_total");
    }

    [Fact]
    public async Task ObservableLabelSetsThatAreNoLongerReportedDisappear()
    {
        var queues = new List<string> { "a", "b" };
        using var meter = api.Factory.Services.GetRequiredService<IMeterFactory>().Create("OrleansHub.Tests.Observed");
        meter.CreateObservableGauge("orleanshub.tests.queue.depth",
            () => queues.Select(queue => new Measurement<long>(queue.Length * 10, new KeyValuePair<string, object?>("queue", queue))));
        using var client = api.CreateClient();

        var both = await PrometheusScrape.FetchAsync(client);
        queues.Remove("a");
        var one = await PrometheusScrape.FetchAsync(client);

        Assert.Equal(2, both.Find("orleanshub_tests_queue_depth").Count());
        Assert.Equal(10, one.Sum("orleanshub_tests_queue_depth", ("queue", "b")));
        Assert.Empty(one.Find("orleanshub_tests_queue_depth", ("queue", "a")));
    }

    [Fact]
    public async Task AnObservableCounterFollowsItsSourceAndALowerTotalIsAReset()
    {
        long total = 7;
        using var meter = api.Factory.Services.GetRequiredService<IMeterFactory>().Create("OrleansHub.Tests.Restarts");
        meter.CreateObservableCounter("orleanshub.tests.restarts", () => total);
        using var client = api.CreateClient();

        var first = await PrometheusScrape.FetchAsync(client);
        total = 9;
        var second = await PrometheusScrape.FetchAsync(client);
        total = 2;
        var third = await PrometheusScrape.FetchAsync(client);

        Assert.Equal("counter", first.Types["orleanshub_tests_restarts_total"]);
        Assert.Equal(7, first.Sum("orleanshub_tests_restarts_total"));
        Assert.Equal(9, second.Sum("orleanshub_tests_restarts_total"));
        Assert.Equal(2, third.Sum("orleanshub_tests_restarts_total"));
    }

    [Fact]
    public async Task OpenMetricsIsServedWhenTheScraperAsksForIt()
    {
        using var meter = api.Factory.Services.GetRequiredService<IMeterFactory>().Create("OrleansHub.Tests.OpenMetrics");
        meter.CreateCounter<long>("orleanshub.tests.scrapes").Add(3);
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        // OpenMetrics names a counter family without its _total; the samples keep it.
        Assert.Contains("# TYPE orleanshub_tests_scrapes counter\n", text, StringComparison.Ordinal);
        Assert.Contains("\norleanshub_tests_scrapes_total 3.0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyGetIsAllowed()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/metrics", null);

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheAnonymousScrape()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var get = document.RootElement.GetProperty("paths").GetProperty("/metrics").GetProperty("get");
        Assert.Equal("Metrics", get.GetProperty("operationId").GetString());
        Assert.False(get.TryGetProperty("security", out _), "the scrape needs no credentials");
        var content = get.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.True(content.TryGetProperty("text/plain", out _));
        Assert.True(content.TryGetProperty("application/openmetrics-text", out _));
    }
}
