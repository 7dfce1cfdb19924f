using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansHub.Api.Tests.Infrastructure;

namespace OrleansHub.Api.Tests.Metrics;

/// <summary>
/// deploy/grafana/orleanshub-dashboard.json cannot drift from the code: every metric its PromQL names
/// (panel queries and template variables) is one a real silo's <c>/metrics</c> declares.
/// </summary>
public sealed partial class GrafanaDashboardTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string DashboardPath = "deploy/grafana/orleanshub-dashboard.json";

    // Words of PromQL that are not metrics when they are not followed by "(" (functions and aggregations are).
    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "inf", "nan"];

    [Fact]
    public async Task EveryMetricTheDashboardQueriesIsExposedByASilo()
    {
        var queries = DashboardQueries(LoadDashboard()).ToList();
        using var client = api.CreateClient();
        await client.RegisterAsync(); // traffic, so every feature's instruments exist

        var exposed = ExposedNames(await PrometheusScrape.FetchAsync(client));

        var named = queries.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        var missing = queries.SelectMany(query => MetricNames(query).Where(name => !exposed.Contains(name)).Select(name => $"{name} in {query}")).ToList();
        Assert.True(missing.Count == 0, "The dashboard queries metrics /metrics does not expose:\n" + string.Join("\n", missing));
        // The documented families the issue asks for are on the dashboard.
        HashSet<string> required =
        [
            "http_server_request_duration_seconds_count", "http_server_request_duration_seconds_bucket", "signalr_server_active_connections",
            "orleanshub_hub_events_sent_total", "orleanshub_storage_commits_total", "orleanshub_storage_commit_duration_seconds_bucket",
            "orleans_grains", "orleans_app_requests_latency_milliseconds_count", "orleans_messaging_sent_messages_size_bytes_count",
        ];
        Assert.Superset(required, named);
    }

    [Fact]
    public void EveryPanelReadsThePrometheusDataSourceVariable()
    {
        var dashboard = LoadDashboard();

        var variables = dashboard.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var source = Assert.Single(variables, variable => variable.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", source.GetProperty("type").GetString());
        Assert.Equal("prometheus", source.GetProperty("query").GetString());
        var panels = Panels(dashboard).Where(panel => panel.GetProperty("type").GetString() != "row").ToList();
        Assert.NotEmpty(panels);
        Assert.All(panels, panel =>
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
        });
    }

    [Fact]
    public void TheCheckFindsMetricNamesAndNothingElse()
    {
        var names = MetricNames(
            "histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket{instance=~\"$instance\", job=\"a{b}\"}[$__rate_interval])))"
            + " / on (instance) group_left sum without (reason) (orleanshub_hub_connections_closed_total offset 5m) and bool up");

        Assert.Equal(["http_server_request_duration_seconds_bucket", "orleanshub_hub_connections_closed_total", "up"], names.Order(StringComparer.Ordinal));
        Assert.Equal(["some_metric"], MetricNames("label_values(some_metric, instance)"));
    }

    private static JsonElement LoadDashboard()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, DashboardPath);
            if (File.Exists(candidate))
            {
                return JsonDocument.Parse(File.ReadAllText(candidate)).RootElement.Clone();
            }
        }
        throw new FileNotFoundException(DashboardPath + " not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<JsonElement> Panels(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray().SelectMany(panel =>
            panel.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(panel) : [panel]);

    private static IEnumerable<string> DashboardQueries(JsonElement dashboard)
    {
        foreach (var panel in Panels(dashboard).Where(panel => panel.TryGetProperty("targets", out _)))
        {
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                yield return target.GetProperty("expr").GetString()!;
            }
        }
        foreach (var variable in dashboard.GetProperty("templating").GetProperty("list").EnumerateArray()
                     .Where(variable => variable.GetProperty("type").GetString() == "query"))
        {
            yield return variable.GetProperty("query").GetProperty("query").GetString()!;
        }
    }

    /// <summary>The metric names of a PromQL expression (or a Grafana <c>label_values(metric, label)</c> query).</summary>
    private static IReadOnlyList<string> MetricNames(string query)
    {
        var text = LabelValues().Replace(query, "$1");
        text = StringLiteral().Replace(text, "");
        text = LabelMatchers().Replace(text, "");
        text = RangeOrSubquery().Replace(text, "");
        text = Grouping().Replace(text, "");
        return [.. Identifier().Matches(text)
            .Where(match => match.Groups["call"].Length == 0 && !Keywords.Contains(match.Groups["name"].Value) && !IsDuration(text, match))
            .Select(match => match.Groups["name"].Value)
            .Distinct(StringComparer.Ordinal)];
    }

    // "offset 5m": the unit is not a metric.
    private static bool IsDuration(string text, Match match) => match.Index > 0 && char.IsAsciiDigit(text[match.Index - 1]);

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)|\b(?:group_left|group_right)\b")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    private static HashSet<string> ExposedNames(PrometheusScrape scrape)
    {
        var names = scrape.Samples.Select(sample => sample.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (family, type) in scrape.Types)
        {
            names.Add(family);
            if (type == "histogram")
            {
                names.UnionWith([family + "_bucket", family + "_sum", family + "_count"]);
            }
        }
        return names;
    }
}
