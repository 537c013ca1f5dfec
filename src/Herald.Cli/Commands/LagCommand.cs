using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Herald.Cli.Monitoring;

namespace Herald.Cli.Commands;

/// <summary><c>herald lag</c>: every group's lag in messages and seconds, once or live, and a gate for scripts and CI.</summary>
internal sealed class LagCommand : Command
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly Option<string?> group = RegexOption("--group", "-g", "Only groups whose id matches REGEX (unanchored: use ^...$ for one group)");
    private readonly Option<string?> topic = RegexOption("--topic", "-t", "Only partitions of topics matching REGEX; the group totals cover just those");
    private readonly Option<bool> watch = new("--watch", "-w") { Description = "Redraw every --interval until Ctrl-C (with --json: one JSON document per line per round)" };
    private readonly Option<double> interval = new Option<double>("--interval") { Description = "Seconds between rounds of --watch", HelpName = "SECONDS", DefaultValueFactory = _ => 5 }.Positive();
    private readonly Option<long> maxLag = new Option<long>("--max-lag") { Description = "Exit 2 when a group's total lag exceeds N messages", HelpName = "N" }.AtLeast(0);
    private readonly Option<double> maxLagSeconds = new Option<double>("--max-lag-seconds") { Description = "Exit 2 when a group's worst partition is more than S seconds behind", HelpName = "S" }.AtLeast(0);
    private readonly Option<int> rounds = new Option<int>("--rounds") { Description = "Stop --watch after N rounds", HelpName = "N", Hidden = true }.AtLeast(1);
    private readonly Option<bool> json = CommonOptions.Json("One JSON object on stdout: generatedAt and one entry per group");
    private readonly Option<string> http = CommonOptions.Http();
    private readonly CliConsole console;

    public LagCommand(CliConsole console)
        : base("lag", "Consumer lag per group: total messages behind and the worst partition's lag in seconds; exits 2 over --max-lag or --max-lag-seconds")
    {
        this.console = console;
        Options.Add(group);
        Options.Add(topic);
        Options.Add(watch);
        Options.Add(interval);
        Options.Add(maxLag);
        Options.Add(maxLagSeconds);
        Options.Add(rounds);
        Options.Add(json);
        Options.Add(http);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var groupFilter = result.GetValue(group) is { } g ? new Regex(g, RegexOptions.CultureInvariant, RegexTimeout) : null;
        var topicFilter = result.GetValue(topic) is { } t ? new Regex(t, RegexOptions.CultureInvariant, RegexTimeout) : null;
        var messagesLimit = result.GetExplicitValue(maxLag);
        var secondsLimit = result.GetExplicitValue(maxLagSeconds);
        var asJson = result.GetValue(json);
        using var api = MonitoringApi.Create(result.GetValue(http)!);

        if (!result.GetValue(watch))
        {
            var breaches = await RoundAsync(api, groupFilter, topicFilter, messagesLimit, secondsLimit, asJson, watching: false, cancellationToken).ConfigureAwait(false);
            return breaches.Count == 0 ? HeraldCli.Success : throw OverLimits(breaches);
        }

        var limit = result.GetExplicitValue(rounds);
        var pause = TimeSpan.FromSeconds(result.GetValue(interval));
        IReadOnlyList<string> last = [];
        try
        {
            for (var round = 1; ; round++)
            {
                last = await RoundAsync(api, groupFilter, topicFilter, messagesLimit, secondsLimit, asJson, watching: true, cancellationToken).ConfigureAwait(false);
                if (round == limit)
                {
                    break;
                }

                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C is how a watch ends; the exit code reports the last round drawn.
        }

        return last.Count == 0 ? HeraldCli.Success : throw OverLimits(last);
    }

    /// <summary>Fetches, filters and prints one round; returns the groups over the limits.</summary>
    private async Task<IReadOnlyList<string>> RoundAsync(
        MonitoringApi api, Regex? groupFilter, Regex? topicFilter, long? messagesLimit, double? secondsLimit, bool asJson, bool watching, CancellationToken cancellationToken)
    {
        var report = await api.GetGroupsAsync(cancellationToken).ConfigureAwait(false);
        var groups = LagReport.Filter(report.Groups, groupFilter, topicFilter)
            .OrderBy(l => l.Group, StringComparer.Ordinal)
            .Select(GroupSummary.From)
            .ToList();
        var breaches = LagReport.Breaches(groups, messagesLimit, secondsLimit);
        var snapshot = new LagSnapshot(report.GeneratedAt, groups);
        if (asJson)
        {
            if (watching)
            {
                await console.Out.WriteLineAsync(CliOutput.ToJsonLine(snapshot)).ConfigureAwait(false);
            }
            else
            {
                CliOutput.WriteJson(console.Out, snapshot);
            }
        }
        else
        {
            if (watching && console.OutIsTerminal)
            {
                // Cursor home and clear screen: each round replaces the last one instead of scrolling.
                await console.Out.WriteAsync("\u001b[H\u001b[2J").ConfigureAwait(false);
            }

            var at = report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            if (groups.Count > 0)
            {
                CliOutput.RenderToOut(console, GroupSummary.ToTable(groups, $"consumer lag at {at}"));
            }
            else
            {
                await console.Error.WriteLineAsync($"{(groupFilter is null && topicFilter is null ? "no consumer groups" : "no consumer group matches")} at {at}").ConfigureAwait(false);
            }
        }

        if (watching)
        {
            await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (breaches.Count > 0)
            {
                await console.Error.WriteLineAsync($"over the lag limits: {string.Join("; ", breaches)}").ConfigureAwait(false);
            }
        }

        return breaches;
    }

    /// <summary>Exit 2 with one line naming every group and the limit it broke.</summary>
    private static CliException OverLimits(IReadOnlyList<string> breaches) =>
        new($"over the lag limits: {string.Join("; ", breaches)}", exitCode: HeraldCli.LimitExceeded);

    private static Option<string?> RegexOption(string name, string alias, string description)
    {
        var option = new Option<string?>(name, alias) { Description = description, HelpName = "REGEX" };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0)
            {
                return;
            }

            try
            {
                _ = new Regex(result.Tokens[^1].Value, RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (ArgumentException e)
            {
                result.AddError($"{name} '{result.Tokens[^1].Value}' is not a valid regular expression: {e.Message}");
            }
        });
        return option;
    }

    /// <summary>One round of <c>lag --json</c>: when the broker computed it, and the groups selected.</summary>
    internal sealed record LagSnapshot(DateTimeOffset GeneratedAt, IReadOnlyList<GroupSummary> Groups);
}
