using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Herald.Server.Tests.Deploy;

/// <summary>
/// deploy/grafana/herald-dashboard.json. Grafana cannot run here, so these check what can be checked without it:
/// the model's shape, that every query names only metrics Herald exports, and (through promtool) that it is PromQL.
/// </summary>
[Trait("Category", "Deploy")]
public sealed class GrafanaDashboardTests
{
    private const string DashboardPath = "deploy/grafana/herald-dashboard.json";

    [Fact]
    public void The_dashboard_is_herald_overview_with_a_datasource_and_topic_and_group_variables()
    {
        using var dashboard = LoadDashboard();
        var root = dashboard.RootElement;

        Assert.Equal("herald-overview", root.GetProperty("uid").GetString());
        Assert.InRange(root.GetProperty("schemaVersion").GetInt32(), 39, 41);
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .ToDictionary(variable => variable.GetProperty("name").GetString()!, StringComparer.Ordinal);
        Assert.Equal("datasource", variables["datasource"].GetProperty("type").GetString());
        Assert.Equal("prometheus", variables["datasource"].GetProperty("query").GetString());
        Assert.Equal("Data Source", variables["datasource"].GetProperty("label").GetString());
        foreach (var name in new[] { "topic", "group" })
        {
            var variable = variables[name];
            Assert.Equal("query", variable.GetProperty("type").GetString());
            Assert.Equal("${datasource}", variable.GetProperty("datasource").GetProperty("uid").GetString());
            var query = variable.GetProperty("query").GetProperty("query").GetString()!;
            var match = Regex.Match(query, @"^label_values\((\w+), (\w+)\)$");
            Assert.True(match.Success, $"${name} is not label_values(metric, label): {query}");
            Assert.True(MetricCatalogue.Exported.Contains(match.Groups[1].Value), $"${name} reads unknown metric {match.Groups[1].Value}");
            Assert.Equal(name, match.Groups[2].Value);
        }
    }

    [Fact]
    public void Every_panel_is_a_timeseries_on_the_datasource_variable_with_targets_and_a_unit()
    {
        using var dashboard = LoadDashboard();
        var panels = Panels(dashboard.RootElement);

        Assert.NotEmpty(panels);
        Assert.All(panels, panel =>
        {
            var title = panel.GetProperty("title").GetString();
            Assert.Equal("timeseries", panel.GetProperty("type").GetString());
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            var unit = panel.GetProperty("fieldConfig").GetProperty("defaults").TryGetProperty("unit", out var value) ? value.GetString() : null;
            Assert.False(string.IsNullOrWhiteSpace(unit), $"panel '{title}' has no unit");
            var targets = panel.TryGetProperty("targets", out var list) ? list.EnumerateArray().ToList() : [];
            Assert.True(targets.Count > 0, $"panel '{title}' has no targets");
            Assert.All(targets, target => Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()), $"panel '{title}' has an empty expr"));
        });
    }

    [Fact]
    public void Every_expression_uses_only_metrics_herald_exports_or_records()
    {
        Assert.All(Expressions(), item =>
        {
            var names = Promql.MetricNames(item.Expr);
            Assert.True(names.Count > 0, $"panel '{item.Panel}': no metric found in {item.Expr}");
            var unknown = names.Where(name => !MetricCatalogue.Contains(name)).ToList();
            Assert.True(unknown.Count == 0, $"panel '{item.Panel}' uses metrics Herald does not export: {string.Join(", ", unknown)} in {item.Expr}");
        });
    }

    [Fact]
    public void Every_rate_irate_and_increase_uses_rate_interval()
    {
        var calls = 0;
        Assert.All(Expressions(), item =>
        {
            Assert.All(Promql.Ranges(item.Expr), range => Assert.True(range == "$__rate_interval", $"panel '{item.Panel}' has range [{range}] instead of [$__rate_interval]: {item.Expr}"));
            foreach (var function in new[] { "rate", "irate", "increase" })
            {
                foreach (var arguments in Promql.Calls(item.Expr, function))
                {
                    calls++;
                    Assert.True(
                        arguments.Contains("[$__rate_interval]", StringComparison.Ordinal),
                        $"panel '{item.Panel}': {function}({arguments}) does not use [$__rate_interval]");
                }
            }
        });
        Assert.True(calls > 0, "no rate/irate/increase call found: the check found nothing to check");
    }

    [Fact]
    public void The_dashboard_shows_throughput_lag_dead_letters_schema_refusals_latency_and_connections()
    {
        var expressions = Expressions().Select(item => item.Expr).ToList();
        string[] shown =
        [
            "herald_topic_messages_in_total", "herald_topic_bytes_in_total", "herald_topic_bytes_out_total",
            "herald_consumer_group_lag_messages", "herald_consumer_group_max_lag_seconds", "herald_dlq_depth_messages",
            "herald_dlq_messages_total", "schema_registry_incompatible_total", "herald_request_duration_seconds_bucket",
            "herald_connections",
        ];

        Assert.All(shown, metric => Assert.Contains(expressions, expr => Promql.MetricNames(expr).Contains(metric)));
        Assert.Contains(expressions, expr => expr.StartsWith("histogram_quantile(0.99, sum by (api, le) (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_expression_is_valid_promql_to_promtool()
    {
        var items = Expressions();
        var rules = new StringBuilder("groups:\n  - name: herald-dashboard\n    rules:\n");
        for (var i = 0; i < items.Count; i++)
        {
            rules.Append("      - record: herald_dashboard_panel_").Append(i).Append('\n')
                .Append("        expr: |-\n")
                .Append("          ").Append(Promql.WithGrafanaVariablesReplaced(items[i].Expr)).Append('\n');
        }

        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "dashboard-expressions.yml");
        File.WriteAllText(file, rules.ToString());

        var run = await Promtool.RunAsync(folder.Path, "check", "rules", file);

        Assert.True(run.ExitCode == 0, run + "\n" + rules);
        Assert.Contains($"SUCCESS: {items.Count} rules found", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_provisioning_files_load_the_dashboard_folder_and_a_prometheus_datasource()
    {
        var dashboards = LoadYaml("deploy/grafana/provisioning/dashboards/herald.yaml");
        var provider = (YamlMappingNode)((YamlSequenceNode)dashboards["providers"])[0];
        Assert.Equal("file", provider["type"].ToString());
        Assert.False(string.IsNullOrWhiteSpace(((YamlMappingNode)provider["options"])["path"].ToString()));

        var datasources = LoadYaml("deploy/grafana/provisioning/datasources/prometheus.yaml");
        var datasource = (YamlMappingNode)((YamlSequenceNode)datasources["datasources"])[0];
        Assert.Equal("prometheus", datasource["type"].ToString());
        Assert.Equal("1", dashboards["apiVersion"].ToString());
        Assert.Equal("1", datasources["apiVersion"].ToString());
    }

    [Fact]
    public void The_metric_name_reader_skips_functions_labels_keywords_and_variables()
    {
        var names = Promql.MetricNames(
            "histogram_quantile(0.99, sum by (api, le) (rate(herald_request_duration_seconds_bucket{api=~\"$api\"}[$__rate_interval])))"
            + " / on (api) group_left () herald_connections offset 5m and bool unknown_metric");

        Assert.Equal(["herald_connections", "herald_request_duration_seconds_bucket", "unknown_metric"], names.Order(StringComparer.Ordinal));
    }

    private static JsonDocument LoadDashboard() => JsonDocument.Parse(Repository.ReadText(DashboardPath));

    private static List<JsonElement> Panels(JsonElement root)
    {
        var panels = new List<JsonElement>();
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                panels.AddRange(panel.TryGetProperty("panels", out var nested) ? nested.EnumerateArray() : []);
            }
            else
            {
                panels.Add(panel);
            }
        }

        return panels;
    }

    private static List<(string Panel, string Expr)> Expressions()
    {
        using var dashboard = LoadDashboard();
        var expressions = Panels(dashboard.RootElement)
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray()
                .Select(target => (panel.GetProperty("title").GetString()!, target.GetProperty("expr").GetString()!)))
            .ToList();
        Assert.NotEmpty(expressions);
        return expressions;
    }

    private static YamlMappingNode LoadYaml(string relativePath)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Repository.ReadText(relativePath)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
