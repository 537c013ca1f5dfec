namespace Herald.Server.Tests.Deploy;

/// <summary>Every alert links to a runbook that exists and is about that alert.</summary>
[Trait("Category", "Deploy")]
public sealed class RunbookTests
{
    [Theory]
    [MemberData(nameof(PrometheusRulesTests.ContractAlerts), MemberType = typeof(PrometheusRulesTests))]
    public void The_alert_runbook_url_points_to_an_existing_runbook_that_names_the_alert(string name)
    {
        var alert = Assert.Single(RuleFile.Load(RuleFile.Alerts), rule => rule.Alert == name);
        var url = alert.Annotations.GetValueOrDefault("runbook_url") ?? string.Empty;

        // A repository path, not an invented host: it resolves wherever the repository is read.
        Assert.DoesNotContain("://", url, StringComparison.Ordinal);
        Assert.StartsWith("docs/runbooks/", url, StringComparison.Ordinal);
        var file = url.Split('#')[0];
        Assert.EndsWith(".md", file, StringComparison.Ordinal);
        Assert.True(File.Exists(Repository.PathOf(file)), $"{name}'s runbook_url {url} names no file under docs/runbooks");
        Assert.Contains(name, Repository.ReadText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_in_the_rule_file_has_a_runbook_url_to_an_existing_file()
    {
        var missing = RuleFile.Load(RuleFile.Alerts)
            .Where(rule => rule.Alert is not null)
            .Where(rule => !rule.Annotations.TryGetValue("runbook_url", out var url) || !File.Exists(Repository.PathOf(url.Split('#')[0])))
            .Select(rule => rule.Alert)
            .ToList();

        Assert.True(missing.Count == 0, "alerts without an existing runbook: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_dead_letter_runbook_ends_with_manual_herald_dlq_commands_with_reasons()
    {
        var text = Repository.ReadText("docs/runbooks/dead-letters.md").TrimEnd();
        Assert.EndsWith("```", text, StringComparison.Ordinal);
        var lastBlockStart = text.LastIndexOf("```sh", StringComparison.Ordinal);
        Assert.True(lastBlockStart >= 0, "dead-letters.md has no ```sh block");
        var commands = text[(lastBlockStart + "```sh".Length)..^3]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.All(commands, command => Assert.StartsWith("herald dlq ", command, StringComparison.Ordinal));
        Assert.Contains(commands, command => command.StartsWith("herald dlq list ", StringComparison.Ordinal));
        Assert.Contains(commands, command => command.StartsWith("herald dlq show ", StringComparison.Ordinal));
        Assert.Contains(commands, command => command.StartsWith("herald dlq redrive ", StringComparison.Ordinal));
        Assert.Contains(commands, command => command.StartsWith("herald dlq discard ", StringComparison.Ordinal));
        Assert.All(
            commands.Where(command => command.StartsWith("herald dlq redrive ", StringComparison.Ordinal) || command.StartsWith("herald dlq discard ", StringComparison.Ordinal)),
            command => Assert.Contains("--reason \"", command, StringComparison.Ordinal));
    }
}
