using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Groups;
using Herald.Cli.Kafka;
using OffsetResetTarget = Herald.Broker.Groups.OffsetResetTarget;
using Spectre.Console;
using static Herald.Cli.Monitoring.GroupSummary;

namespace Herald.Cli.Commands;

internal sealed partial class GroupsCommand
{
    private Command CreateResetOffsetsCommand()
    {
        var group = new Argument<string>("group") { Description = "Consumer group id" };
        var topic = new Option<string>("--topic", "-t") { Description = "The topic whose offsets to move (all its partitions)", HelpName = "TOPIC", Required = true };
        var toEarliest = new Option<bool>("--to-earliest") { Description = "To the first offset still in the log (re-read everything)" };
        var toLatest = new Option<bool>("--to-latest") { Description = "To the log end (skip everything not consumed yet)" };
        var toDatetime = new Option<string?>("--to-datetime") { Description = "To the first record at or after this time (ISO 8601, UTC unless it says otherwise)", HelpName = "ISO" };
        var shiftBy = new Option<long?>("--shift-by") { Description = "Move the committed offset by N (negative re-reads), kept within the log", HelpName = "N" };
        var execute = new Option<bool>("--execute") { Description = "Apply the plan (without it: a dry run that only prints it)" };
        var json = CommonOptions.Json("The plan as one JSON object on stdout");
        var broker = new BrokerConnectionOptions();
        var command = new Command(
            "reset-offsets",
            "Move an idle group's committed offsets on a topic; prints the plan, and changes nothing without --execute")
        {
            group, topic, toEarliest, toLatest, toDatetime, shiftBy, execute, json,
        };
        toDatetime.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && ParseTime(result.Tokens[^1].Value) is null)
            {
                result.AddError($"--to-datetime '{result.Tokens[^1].Value}' is not an ISO 8601 date and time, e.g. 2026-12-06T01:00:00Z");
            }
        });
        command.Validators.Add(result =>
        {
            var given = new Option[] { toEarliest, toLatest, toDatetime, shiftBy }.Count(o => result.GetResult(o) is { Implicit: false });
            if (given != 1)
            {
                result.AddError(given == 0
                    ? "reset-offsets needs one of --to-earliest, --to-latest, --to-datetime ISO, --shift-by N"
                    : "give only one of --to-earliest, --to-latest, --to-datetime, --shift-by");
            }
        });
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            OffsetResetTarget target = result.GetValue(toEarliest) ? new OffsetResetTarget.Earliest()
                : result.GetValue(toLatest) ? new OffsetResetTarget.Latest()
                : result.GetValue(toDatetime) is { } time ? new OffsetResetTarget.AtTime(ParseTime(time)!.Value)
                : new OffsetResetTarget.ShiftBy(result.GetValue(shiftBy)!.Value);
            var groupId = result.GetValue(group)!;
            var topicName = result.GetValue(topic)!;
            var apply = result.GetValue(execute);
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);

            var plan = await ResetAsync(clients, groupId, topicName, target, apply, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, plan);
            }
            else
            {
                var table = new Table().Title(Markup.Escape($"group '{groupId}' on {topicName}, to {target}"))
                    .AddColumn(new TableColumn("Partition").RightAligned()).AddColumn(new TableColumn("Current").RightAligned())
                    .AddColumn(new TableColumn("New").RightAligned()).AddColumn(new TableColumn("Start").RightAligned()).AddColumn(new TableColumn("End").RightAligned());
                foreach (var row in plan.Partitions)
                {
                    table.AddRow(
                        Format(row.Partition), row.CurrentOffset is { } current ? Format(current) : "-", row.NewOffset is { } next ? Format(next) : "(unchanged)",
                        Format(row.StartOffset), Format(row.EndOffset));
                }

                CliOutput.RenderToOut(console, table);
            }

            var moved = plan.Partitions.Count(p => p.NewOffset is not null);
            await console.Error.WriteLineAsync(apply
                ? $"reset {Format(moved)} partition(s) of group '{groupId}' on {topicName} to {target}"
                : $"dry run: nothing changed; add --execute to reset {Format(moved)} partition(s) of group '{groupId}' on {topicName}").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }

    private static async Task<OffsetResetPlan> ResetAsync(KafkaClients clients, string group, string topic, OffsetResetTarget target, bool apply, CancellationToken cancellationToken)
    {
        using var admin = clients.CreateAdmin();
        var groups = new GroupAdmin(clients, admin);
        var partitions = clients.GetTopic(admin, topic).Partitions.Select(p => p.PartitionId).Order().ToList();

        // Kafka accepts a simple offset commit only for an empty group; a running consumer would overwrite the reset anyway.
        if (await groups.DescribeAsync(group, cancellationToken).ConfigureAwait(false) is { Members.Count: > 0 } active)
        {
            throw new CliException(
                $"consumer group '{group}' has {Format(active.Members.Count)} active member(s) (state {active.State}); stop its consumers, then reset its offsets");
        }

        var current = await groups.CommittedAsync(group, topic, partitions, cancellationToken).ConfigureAwait(false);
        var start = await groups.ListOffsetsAsync(topic, partitions, OffsetSpec.Earliest(), cancellationToken).ConfigureAwait(false);
        var end = await groups.ListOffsetsAsync(topic, partitions, OffsetSpec.Latest(), cancellationToken).ConfigureAwait(false);
        var atTime = target is OffsetResetTarget.AtTime at
            ? await groups.ListOffsetsAsync(topic, partitions, OffsetSpec.ForTimestamp(at.Time.ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false)
            : null;

        var rows = partitions.Select(p =>
        {
            var (low, high) = (start.GetValueOrDefault(p) ?? 0, end.GetValueOrDefault(p) ?? 0);
            var from = current.GetValueOrDefault(p);
            return new OffsetResetRow(p, from, target.NewOffset(from, low, high, atTime?.GetValueOrDefault(p)), low, high);
        }).ToList();
        if (rows.All(r => r.NewOffset is null))
        {
            throw new CliException($"group '{group}' never committed an offset on {topic}; there is nothing to shift (use --to-earliest, --to-latest or --to-datetime)");
        }

        if (apply)
        {
            await groups.AlterAsync(
                group,
                rows.Where(r => r.NewOffset is not null).Select(r => new TopicPartitionOffset(topic, r.Partition, r.NewOffset!.Value)).ToList(),
                cancellationToken).ConfigureAwait(false);
        }

        return new OffsetResetPlan(group, topic, target.ToString()!, apply, rows);
    }

    private static DateTimeOffset? ParseTime(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>The output of <c>groups reset-offsets --json</c>.</summary>
    /// <param name="Group">The group.</param>
    /// <param name="Topic">The topic.</param>
    /// <param name="Target"><c>earliest</c>, <c>latest</c>, the time (UTC), or <c>shift-by N</c>.</param>
    /// <param name="Executed">Whether the offsets were changed (<c>--execute</c>) or this is a dry run.</param>
    /// <param name="Partitions">Every partition of the topic.</param>
    internal sealed record OffsetResetPlan(string Group, string Topic, string Target, bool Executed, IReadOnlyList<OffsetResetRow> Partitions);

    /// <summary>One partition of the plan; <see cref="NewOffset"/> is null where nothing changes (a shift where the group never committed).</summary>
    internal sealed record OffsetResetRow(int Partition, long? CurrentOffset, long? NewOffset, long StartOffset, long EndOffset);
}
