using System.CommandLine;
using System.Globalization;
using Herald.Cli.Kafka;
using Herald.EventStore.Forwarding;
using Herald.EventStore.Forwarding.Replay;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary>
/// <c>herald replay</c>: re-publish a range of an event store's global feed to a topic, read-only, dry run unless
/// <c>--execute</c>. Replaying into a projection needs the projection's code, so it is the API's job (<see cref="FeedReplayer"/>).
/// </summary>
internal sealed class ReplayCommand : Command
{
    private readonly CliConsole console;
    private readonly EventStoreLocation store = new();
    private readonly Option<string> topic = new("--topic", "-t") { Description = "The topic to publish to", HelpName = "TOPIC", Required = true };
    private readonly Option<long?> from = new("--from") { Description = "First global position (inclusive; default: the start)", HelpName = "POS" };
    private readonly Option<long?> to = new("--to") { Description = "Last global position (inclusive; default: the head when the replay starts)", HelpName = "POS" };
    private readonly Option<string?> streamPrefix = new("--stream-prefix") { Description = "Only streams whose id starts with P", HelpName = "P" };
    private readonly Option<string[]> type = new("--type") { Description = "Only events of this type (repeat for several)", HelpName = "TYPE", AllowMultipleArgumentsPerToken = false };
    private readonly Option<bool> execute = new("--execute") { Description = "Publish; without it the replay is a dry run that only reports what it would publish" };
    private readonly Option<bool> json = CommonOptions.Json("The summary as one JSON object on stdout");
    private readonly BrokerConnectionOptions broker = new();

    public ReplayCommand(CliConsole console)
        : base("replay", "Re-publish a range of an event store's global feed to a topic (read-only; a dry run unless --execute)")
    {
        this.console = console;
        Options.Add(store.Sqlite);
        Options.Add(store.Postgres);
        Options.Add(topic);
        Options.Add(from);
        Options.Add(to);
        Options.Add(streamPrefix);
        Options.Add(type);
        Options.Add(execute);
        Options.Add(json);
        broker.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var range = Range(result);
        var clients = broker.CreateClients(result);
        var target = new TopicReplayOptions(result.GetValue(topic)!, clients.Bootstrap)
        {
            Execute = result.GetValue(execute),
            ConfigureProducer = config => clients.Apply(config),
        };
        await using var replayer = store.Replayer(result);
        var head = await store.ProbeAsync(result, replayer.Source, cancellationToken).ConfigureAwait(false);
        if (target.Execute)
        {
            // Fail in seconds on a wrong address instead of at the producer's delivery timeout.
            await new KafkaClients(target.BootstrapServers).EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
        }

        ReplaySummary summary;
        try
        {
            summary = target.Execute
                ? await CliOutput.WithProgressAsync(console, $"publishing to {target.Topic}", report => replayer.ReplayToTopicAsync(target, range, report, cancellationToken)).ConfigureAwait(false)
                : await replayer.ReplayToTopicAsync(target, range, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ForwardingException e)
        {
            throw new CliException($"{e.Message}; events up to position {Format(e.LastAcknowledgedPosition)} were published", e);
        }

        if (result.GetValue(json))
        {
            CliOutput.WriteJson(console.Out, new ReplayReport(
                summary.Executed, target.Topic, summary.From, summary.To, head, summary.EventsRead, summary.EventsReplayed,
                summary.FirstPosition, summary.LastPosition, summary.Streams, summary.EventTypes, Math.Round(summary.Elapsed.TotalMilliseconds, 1)));
            return HeraldCli.Success;
        }

        if (summary.EventsReplayed > 0)
        {
            var table = new Table().AddColumn("Event type").AddColumn(new TableColumn("Events").RightAligned());
            foreach (var (name, count) in summary.EventTypes)
            {
                table.AddRow(Markup.Escape(name), Format(count));
            }

            CliOutput.RenderToOut(console, table);
        }

        await console.Error.WriteLineAsync(Headline(summary, target.Topic)).ConfigureAwait(false);
        return HeraldCli.Success;
    }

    private ReplayOptions Range(ParseResult result)
    {
        var first = result.GetValue(from);
        var last = result.GetValue(to);
        if (first < 0 || last < 0)
        {
            throw CliException.BadInput($"positions start at 1; got {(first < 0 ? "--from " + Format(first.Value) : "--to " + Format(last!.Value))}");
        }

        if (first > last)
        {
            throw CliException.BadInput($"--from {Format(first.Value)} is after --to {Format(last!.Value)}");
        }

        var types = result.GetValue(type) ?? [];
        return new ReplayOptions
        {
            From = first ?? 1,
            To = last,
            StreamPrefix = string.IsNullOrEmpty(result.GetValue(streamPrefix)) ? null : result.GetValue(streamPrefix),
            EventTypes = types.Length == 0 ? null : types,
        };
    }

    private static string Headline(ReplaySummary summary, string topic)
    {
        var range = $"positions {Format(summary.From)}-{Format(summary.To)}";
        if (summary.To < summary.From)
        {
            return $"{(summary.Executed ? string.Empty : "dry run: ")}the feed ends at position {Format(summary.To)}, before position {Format(summary.From)}; nothing {(summary.Executed ? "was" : "would be")} published to '{topic}'";
        }

        if (summary.EventsReplayed == 0)
        {
            return $"{(summary.Executed ? string.Empty : "dry run: ")}no events in {range} match; nothing {(summary.Executed ? "was" : "would be")} published to '{topic}'";
        }

        var what = $"{Format(summary.EventsReplayed)} event(s) of {Format(summary.Streams)} stream(s), positions {Format(summary.FirstPosition!.Value)}-{Format(summary.LastPosition!.Value)}";
        return summary.Executed
            ? $"published {what} to '{topic}' in {summary.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
            : $"dry run: would publish {what} to '{topic}' (read {Format(summary.EventsRead)} in {range}); pass --execute to publish";
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The output of <c>replay --json</c>.</summary>
    internal sealed record ReplayReport(
        bool Executed,
        string Topic,
        long From,
        long To,
        long Head,
        long EventsRead,
        long Events,
        long? FirstPosition,
        long? LastPosition,
        int Streams,
        IReadOnlyDictionary<string, long> EventTypes,
        double ElapsedMs);
}
