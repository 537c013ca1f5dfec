namespace Herald.Server.Tests.Deploy;

/// <summary>The rule files in deploy/prometheus, checked and unit-tested by Prometheus' own promtool.</summary>
[Trait("Category", "Deploy")]
public sealed class PrometheusRulesTests
{
    /// <summary>The alert names other parts of Herald (runbooks, the lag drill, the console) refer to.</summary>
    public static readonly string[] AlertNames =
    [
        "HeraldConsumerLagHigh",
        "HeraldConsumerLagSecondsHigh",
        "HeraldDeadLettersWaiting",
        "HeraldDeadLetterIncident",
        "HeraldSchemaIncompatible",
        "HeraldDown",
        "HeraldOutboxBacklogHigh",
    ];

    public static TheoryData<string> ContractAlerts => new(AlertNames);

    private static string PrometheusFolder => Repository.PathOf("deploy/prometheus");

    [Fact]
    public async Task The_recording_and_alert_rules_pass_promtool_check_rules()
    {
        var run = await Promtool.RunAsync(PrometheusFolder, "check", "rules", Repository.PathOf(RuleFile.Recording), Repository.PathOf(RuleFile.Alerts));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SUCCESS: 2 rules found", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("SUCCESS: 7 rules found", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_alert_rules_pass_their_promtool_unit_tests()
    {
        var run = await Promtool.RunAsync(PrometheusFolder, "test", "rules", Repository.PathOf(RuleFile.AlertTests));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SUCCESS", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_recording_rules_pass_their_promtool_unit_tests()
    {
        var run = await Promtool.RunAsync(PrometheusFolder, "test", "rules", Repository.PathOf(RuleFile.RecordingTests));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SUCCESS", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_example_prometheus_config_is_valid_and_loads_both_rule_files()
    {
        var run = await Promtool.RunAsync(PrometheusFolder, "check", "config", Repository.PathOf("deploy/prometheus/prometheus.yml"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("SUCCESS: 2 rule files found", run.Stdout, StringComparison.Ordinal);
        var config = Repository.ReadText("deploy/prometheus/prometheus.yml");
        Assert.Contains("job_name: herald", config, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:8080", config, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ContractAlerts))]
    public void Each_contract_alert_is_defined_once_with_a_severity_summary_description_and_runbook(string name)
    {
        var alert = Assert.Single(RuleFile.Load(RuleFile.Alerts), rule => rule.Alert == name);

        Assert.Contains(alert.Labels.GetValueOrDefault("severity"), new[] { "warning", "critical" });
        Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("summary")), $"{name} has no summary");
        Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("description")), $"{name} has no description");
        Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("runbook_url")), $"{name} has no runbook_url");
    }

    [Fact]
    public void The_alert_file_defines_only_the_contract_alerts()
    {
        var names = RuleFile.Load(RuleFile.Alerts).Select(rule => rule.Alert).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(AlertNames.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void The_recording_rules_have_the_source_names()
    {
        var rules = RuleFile.Load(RuleFile.Recording).ToDictionary(rule => rule.Record!, rule => rule.Expr, StringComparer.Ordinal);

        Assert.Equal(["consumer_lag_max", "topic_messages_per_sec"], rules.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("sum by (topic) (rate(herald_topic_messages_in_total[1m]))", rules["topic_messages_per_sec"]);
        Assert.Equal("max by (group) (herald_consumer_group_lag_messages)", rules["consumer_lag_max"]);
    }

    /// <summary>
    /// The unit tests have teeth: each change below to the rules (a weaker threshold, a shorter hold, a lost
    /// branch) makes promtool's unit tests fail, naming the alert.
    /// </summary>
    [Theory]
    [InlineData("sum by (group) (herald_consumer_group_lag_messages) > 1000", "max by (group) (herald_consumer_group_lag_messages) > 1000", "HeraldConsumerLagHigh")]
    [InlineData("herald_consumer_group_lag_messages) > 1000", "herald_consumer_group_lag_messages) > 1500", "HeraldConsumerLagHigh")]
    [InlineData("herald_consumer_group_max_lag_seconds) > 60", "herald_consumer_group_max_lag_seconds) >= 60", "HeraldConsumerLagSecondsHigh")]
    [InlineData("(herald_dlq_depth_messages) > 0\n        for: 5m", "(herald_dlq_depth_messages) > 0\n        for: 2m", "HeraldDeadLettersWaiting")]
    [InlineData("* 60 > 10\n        for: 2m", "* 60 > 10\n        for: 0m", "HeraldDeadLetterIncident")]
    [InlineData("and on () count(up{job=\"herald\"} offset 5m)", "and on () count(up{job=\"herald\"})", "HeraldSchemaIncompatible")]
    [InlineData(" or absent(up{job=\"herald\"})", "", "HeraldDown")]
    [InlineData("(herald_outbox_oldest_age_seconds) > 300", "(herald_outbox_oldest_age_seconds) > 600", "HeraldOutboxBacklogHigh")]
    [InlineData("unless on (herald_outbox_relay) max by (herald_outbox_relay) (herald_outbox_lease_held) > 0", "unless on (herald_outbox_relay) max by (herald_outbox_relay) (herald_outbox_lease_held) >= 0", "HeraldOutboxBacklogHigh")]
    public async Task A_broken_rule_fails_the_promtool_unit_tests(string original, string broken, string alert)
    {
        var rules = Repository.ReadText(RuleFile.Alerts);
        Assert.True(Occurrences(rules, original) == 1, $"expected exactly one '{original}' in {RuleFile.Alerts}");
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "herald-alerts.yml"), rules.Replace(original, broken, StringComparison.Ordinal));
        File.Copy(Repository.PathOf(RuleFile.AlertTests), Path.Combine(folder.Path, "herald-alerts.test.yml"));

        var run = await Promtool.RunAsync(folder.Path, "test", "rules", "herald-alerts.test.yml");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("FAILED", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains(alert, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The lag drill loads a copy with a 500-message threshold and shorter holds, made by text substitution.</summary>
    [Fact]
    public async Task The_lag_threshold_and_holds_can_be_changed_by_text_substitution()
    {
        var rules = Repository.ReadText(RuleFile.Alerts);
        var copy = rules
            .Replace("> 1000", "> 500", StringComparison.Ordinal)
            .Replace("for: 2m", "for: 5s", StringComparison.Ordinal)
            .Replace("for: 5m", "for: 10s", StringComparison.Ordinal);
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "herald-alerts.yml");
        File.WriteAllText(file, copy);

        var run = await Promtool.RunAsync(folder.Path, "check", "rules", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        var alerts = RuleFile.Parse(copy).ToDictionary(rule => rule.Alert!, StringComparer.Ordinal);
        Assert.EndsWith("> 500", alerts["HeraldConsumerLagHigh"].Expr, StringComparison.Ordinal);
        Assert.Equal("5s", alerts["HeraldConsumerLagHigh"].For);
        Assert.Equal("10s", alerts["HeraldDeadLettersWaiting"].For);
        Assert.DoesNotContain(alerts.Values, alert => alert.Annotations.Values.Any(text => text.Contains("1000", StringComparison.Ordinal)));
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
