using System.CommandLine;
using Herald.Broker.Monitoring;
using Herald.Cli.Monitoring;
using Spectre.Console;
using static Herald.Cli.Monitoring.GroupSummary;

namespace Herald.Cli.Commands;

/// <summary><c>herald groups list|describe|reset-offsets|delete</c>: consumer groups, their lag, and moving or removing them.</summary>
/// <remarks><c>list</c> and <c>describe</c> read the broker's lag API (<c>--http</c>); <c>reset-offsets</c> and <c>delete</c>
/// use the Kafka admin protocol (<c>--bootstrap</c>), so they work against any Kafka broker too.</remarks>
internal sealed partial class GroupsCommand : Command
{
    private readonly CliConsole console;

    public GroupsCommand(CliConsole console)
        : base("groups", "List, describe, reset and delete consumer groups")
    {
        this.console = console;
        Subcommands.Add(CreateListCommand());
        Subcommands.Add(CreateDescribeCommand());
        Subcommands.Add(CreateResetOffsetsCommand());
        Subcommands.Add(CreateDeleteCommand());
    }

    private Command CreateListCommand()
    {
        var json = CommonOptions.Json("One JSON array of groups on stdout");
        var http = CommonOptions.Http();
        var command = new Command("list", "List consumer groups: state, members, lag in messages and the worst partition's lag in seconds") { json, http };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = MonitoringApi.Create(result.GetValue(http)!);
            var report = await api.GetGroupsAsync(cancellationToken).ConfigureAwait(false);
            var groups = report.Groups.OrderBy(g => g.Group, StringComparer.Ordinal).Select(From).ToList();
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, groups);
            }
            else if (groups.Count > 0)
            {
                CliOutput.RenderToOut(console, ToTable(groups));
            }

            await console.Error.WriteLineAsync($"{Format(groups.Count)} consumer group(s)").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }

    private Command CreateDescribeCommand()
    {
        var group = new Argument<string>("group") { Description = "Consumer group id" };
        var json = CommonOptions.Json("The group as one JSON object on stdout: members and every partition's lag");
        var http = CommonOptions.Http();
        var command = new Command(
            "describe",
            "Show a consumer group: state, members and their assignments, and per partition the committed and end offsets, lag and lag seconds")
        {
            group, json, http,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = MonitoringApi.Create(result.GetValue(http)!);
            var lag = await api.GetGroupAsync(result.GetValue(group)!, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, lag);
            }
            else
            {
                Render(lag);
            }

            return HeraldCli.Success;
        });
        return command;
    }

    private void Render(GroupLag lag)
    {
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("Group", Markup.Escape(lag.Group));
        summary.AddRow("State", Markup.Escape(lag.State));
        summary.AddRow("Members", Format(lag.Members.Count));
        summary.AddRow("Lag", $"{Format(lag.TotalLagMessages)} message(s), worst partition {Format(lag.MaxLagMessages)}");
        summary.AddRow("Lag seconds", $"{Seconds(lag.MaxLagSeconds)} (worst partition)");
        CliOutput.RenderToOut(console, summary);

        if (lag.Members.Count == 0)
        {
            console.Out.WriteLine("Members: (none)");
        }
        else
        {
            var members = new Table().Title("Members").AddColumn("Member").AddColumn("Client id").AddColumn("Host").AddColumn("Assignment");
            foreach (var member in lag.Members.OrderBy(m => m.MemberId, StringComparer.Ordinal))
            {
                members.AddRow(Markup.Escape(member.MemberId), Markup.Escape(member.ClientId), Markup.Escape(member.ClientHost), Markup.Escape(Assignment(member.Assignment)));
            }

            CliOutput.RenderToOut(console, members);
        }

        if (lag.Partitions.Count == 0)
        {
            console.Out.WriteLine("Partitions: (none)");
            return;
        }

        var partitions = new Table().Title("Partitions")
            .AddColumn("Topic").AddColumn(new TableColumn("Partition").RightAligned())
            .AddColumn(new TableColumn("Committed").RightAligned()).AddColumn(new TableColumn("End").RightAligned())
            .AddColumn(new TableColumn("Lag").RightAligned()).AddColumn(new TableColumn("Lag seconds").RightAligned())
            .AddColumn("Member").AddColumn("Client id");
        foreach (var p in lag.Partitions)
        {
            partitions.AddRow(
                Markup.Escape(p.Topic),
                Format(p.Partition),
                p.CommittedOffset is { } committed ? Format(committed) : "-",
                Format(p.EndOffset),
                p.LagMessages is { } messages ? Format(messages) : "-",
                p.LagSeconds is { } seconds ? Seconds(seconds) : "-",
                Markup.Escape(p.MemberId ?? "-"),
                Markup.Escape(p.ClientId ?? "-"));
        }

        CliOutput.RenderToOut(console, partitions);
    }

    /// <summary><c>orders:0,1 payments:2</c>.</summary>
    private static string Assignment(IReadOnlyList<AssignedPartition> assignment) =>
        assignment.Count == 0
            ? "-"
            : string.Join(' ', assignment.GroupBy(a => a.Topic).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key}:{string.Join(',', g.Select(a => a.Partition).Order())}"));
}
