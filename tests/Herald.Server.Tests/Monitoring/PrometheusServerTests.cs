using System.Net;
using System.Text.Json;
using Herald.Server.Tests.Deploy;

namespace Herald.Server.Tests.Monitoring;

/// <summary>Debian's real Prometheus, started by <see cref="PrometheusServer"/>, with and without Herald's rules.</summary>
[Trait("Category", "Prometheus")]
public sealed class PrometheusServerTests
{
    [Fact]
    public async Task Prometheus_with_an_empty_scrape_config_becomes_ready_and_answers_queries()
    {
        await using var prometheus = await PrometheusServer.StartAsync("global:\n  evaluation_interval: 1s\nscrape_configs: []\n");

        Assert.Equal(HttpStatusCode.OK, await prometheus.GetStatusAsync("-/ready"));
        var result = await prometheus.QueryAsync("vector(42)");
        var sample = Assert.Single(result.EnumerateArray().ToList());
        Assert.Equal("42", sample.GetProperty("value")[1].GetString());
    }

    [Fact]
    public async Task Prometheus_loads_Herald_rules_and_with_no_herald_target_reports_HeraldDown_pending()
    {
        var files = new Dictionary<string, string>
        {
            ["herald-rules.yml"] = Repository.ReadText(RuleFile.Recording),
            ["herald-alerts.yml"] = Repository.ReadText(RuleFile.Alerts),
        };
        const string configuration = "global:\n  evaluation_interval: 1s\nrule_files:\n  - herald-rules.yml\n  - herald-alerts.yml\nscrape_configs: []\n";

        await using var prometheus = await PrometheusServer.StartAsync(configuration, files);

        var rules = (await prometheus.GetRulesAsync()).EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .ToList();
        Assert.Equal(
            PrometheusRulesTests.AlertNames.Order(StringComparer.Ordinal),
            rules.Where(rule => rule.GetProperty("type").GetString() == "alerting").Select(rule => rule.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["consumer_lag_max", "topic_messages_per_sec"],
            rules.Where(rule => rule.GetProperty("type").GetString() == "recording").Select(rule => rule.GetProperty("name").GetString()).Order(StringComparer.Ordinal));

        // absent(up{job="herald"}) holds from the first evaluation; `for: 1m` keeps it pending for a minute.
        var state = await WaitForAsync(() => prometheus.GetAlertStateAsync("HeraldDown"), value => value is not null, prometheus);
        Assert.Equal("pending", state);
        var alert = (await prometheus.GetAlertsAsync()).EnumerateArray().Single(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "HeraldDown");
        Assert.Equal("docs/runbooks/herald-down.md", alert.GetProperty("annotations").GetProperty("runbook_url").GetString());
        Assert.Equal("herald", alert.GetProperty("labels").GetProperty("job").GetString());
    }

    /// <summary>Polls until <paramref name="done"/> holds for what <paramref name="read"/> returns; rule evaluation has no event to wait on.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, PrometheusServer prometheus)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Prometheus did not reach the expected state within 60 s; last value: {JsonSerializer.Serialize(value)}\n{prometheus.Output}");
            }

            await Task.Delay(100);
        }
    }
}
