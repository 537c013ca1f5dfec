using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using Herald.Cli.Dlq;
using Herald.Cli.Kafka;
using Herald.DeadLetters;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald dlq list|show|redrive|discard</c>: look at dead letters and, when a person says why, send them back to their topic or drop them.</summary>
internal sealed partial class DlqCommand : Command
{
    private const string TopicDescription = "The original topic (e.g. orders) or its dead-letter topic (orders.dlq)";

    private readonly CliConsole console;

    public DlqCommand(CliConsole console)
        : base("dlq", "List, show, redrive and discard dead letters")
    {
        this.console = console;
        Subcommands.Add(CreateListCommand());
        Subcommands.Add(CreateShowCommand());
        Subcommands.Add(CreateRedriveCommand());
        Subcommands.Add(CreateDiscardCommand());
    }

    private Command CreateListCommand()
    {
        var topic = new Argument<string>("topic") { Description = TopicDescription };
        var limit = new Option<int>("--limit", "-n") { Description = "Show at most N dead letters (by partition, then offset)", HelpName = "N" }.AtLeast(1);
        var json = CommonOptions.Json("One JSON array of dead letters on stdout (never the payload)");
        var broker = new BrokerConnectionOptions();
        var command = new Command("list", "List a topic's dead letters: why they failed and where they came from, never their payload") { topic, limit, json };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var dlqTopic = DeadLetterTopic.Resolve(result.GetValue(topic)!);
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            var read = await Task.Run(
                () =>
                {
                    var metadata = GetMetadata(clients);
                    if (DeadLetterTopic.FindPartitions(metadata, dlqTopic) is { } partitions)
                    {
                        return (DeadLetterTopic.ReadAll(clients, dlqTopic, partitions, cancellationToken), DeadLetterTopic.ReadResolved(clients, metadata, dlqTopic, cancellationToken));
                    }

                    // A typo should not read as "no dead letters".
                    return DeadLetterTopic.FindPartitions(metadata, SourceTopic(dlqTopic)) is null
                        ? throw new CliException($"topic '{SourceTopic(dlqTopic)}' does not exist (and neither does {dlqTopic})")
                        : ((IReadOnlyList<DeadLetter> Letters, IReadOnlyDictionary<(int, long), DeadLetterStatus> Resolved)?)null;
                },
                cancellationToken).ConfigureAwait(false);
            if (read is not { } found)
            {
                // No <topic>.dlq: nothing was ever dead-lettered from it, which is the good news, not a failure.
                if (result.GetValue(json))
                {
                    CliOutput.WriteJson(console.Out, Array.Empty<DeadLetterRow>());
                }

                await console.Error.WriteLineAsync($"no dead letters in {dlqTopic}: the topic does not exist, nothing from {SourceTopic(dlqTopic)} was ever dead-lettered").ConfigureAwait(false);
                return HeraldCli.Success;
            }

            var (letters, resolved) = found;
            var rows = letters
                .Take(result.GetExplicitValue(limit) ?? int.MaxValue)
                .Select(l =>
                {
                    var status = resolved.GetValueOrDefault((l.Partition, l.Offset));
                    return new DeadLetterRow(
                        l.Partition, l.Offset, l.FailedAt, l.Reason, l.ExceptionType, l.Attempts, l.OriginalTopic, l.OriginalPartition, l.OriginalOffset,
                        status.ToText(), status == DeadLetterStatus.Redriven, status == DeadLetterStatus.Discarded);
                })
                .ToList();
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, rows);
            }
            else
            {
                var table = new Table().Title(Markup.Escape(dlqTopic))
                    .AddColumn("Partition:Offset").AddColumn("Failed at").AddColumn("Reason").AddColumn("Exception")
                    .AddColumn(new TableColumn("Attempts").RightAligned()).AddColumn("Original").AddColumn("Status");
                foreach (var row in rows)
                {
                    table.AddRow(
                        $"{Format(row.Partition)}:{Format(row.Offset)}",
                        Markup.Escape(row.FailedAt ?? "-"),
                        Markup.Escape(row.Reason ?? "-"),
                        Markup.Escape(row.ExceptionType ?? "-"),
                        row.Attempts is { } attempts ? Format(attempts) : "-",
                        Markup.Escape($"{row.OriginalTopic ?? "?"}:{(row.OriginalPartition is { } p ? Format(p) : "?")}:{(row.OriginalOffset is { } o ? Format(o) : "?")}"),
                        row.Status);
                }

                Render(table);
            }

            var shown = rows.Count < letters.Count ? $"showing {Format(rows.Count)} of " : string.Empty;
            var counts = letters.Select(l => resolved.GetValueOrDefault((l.Partition, l.Offset))).ToList();
            await console.Error.WriteLineAsync(
                $"{shown}{Format(letters.Count)} dead letter(s) in {dlqTopic}, {Format(counts.Count(s => s == DeadLetterStatus.Redriven))} already redriven, {Format(counts.Count(s => s == DeadLetterStatus.Discarded))} discarded").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }

    private Command CreateShowCommand()
    {
        var topic = new Argument<string>("topic") { Description = TopicDescription };
        var offset = new Argument<long>("offset") { Description = "Offset of the dead letter in its dead-letter topic" };
        var partition = new Option<int>("--partition", "-p") { Description = "Partition of the dead-letter topic", HelpName = "P", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var json = CommonOptions.Json("The dead letter as one JSON object on stdout, payload included");
        var broker = new BrokerConnectionOptions();
        var command = new Command("show", "Show one dead letter in full: its dead-letter headers, other headers, key and payload") { topic, offset, partition, json };
        offset.Validators.Add(argument =>
        {
            if (argument.Tokens.Count > 0 && long.TryParse(argument.Tokens[^1].Value, CultureInfo.InvariantCulture, out var value) && value < 0)
            {
                argument.AddError($"offset must be at least 0, got {value}");
            }
        });
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var dlqTopic = DeadLetterTopic.Resolve(result.GetValue(topic)!);
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            var (letter, status) = await Task.Run(
                () =>
                {
                    var metadata = GetMetadata(clients);
                    var partitions = DeadLetterTopic.Partitions(metadata, dlqTopic);
                    var one = DeadLetterTopic.ReadOne(clients, dlqTopic, partitions, result.GetValue(partition), result.GetValue(offset), cancellationToken);
                    return (one, DeadLetterTopic.ReadResolved(clients, metadata, dlqTopic, cancellationToken).GetValueOrDefault((one.Partition, one.Offset)));
                },
                cancellationToken).ConfigureAwait(false);

            var details = new DeadLetterDetails(
                letter.Topic,
                letter.Partition,
                letter.Offset,
                letter.Timestamp.Type == TimestampType.NotAvailable ? null : letter.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                status.ToText(),
                status == DeadLetterStatus.Redriven,
                status == DeadLetterStatus.Discarded,
                letter.Headers.Where(h => DeadLetter.IsDeadLetterHeader(h.Key)).Select(ToHeader).ToList(),
                letter.Headers.Where(h => !DeadLetter.IsDeadLetterHeader(h.Key)).Select(ToHeader).ToList(),
                DeadLetter.Encode(letter.Key),
                DeadLetter.Encode(letter.Value));
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, details);
                return HeraldCli.Success;
            }

            var summary = new Grid().AddColumn().AddColumn();
            summary.AddRow("Dead letter", Markup.Escape(letter.Address));
            summary.AddRow("Timestamp", Markup.Escape(details.Timestamp ?? "-"));
            summary.AddRow("Status", status.ToText());
            summary.AddRow("Key", Markup.Escape(Describe(details.Key)));
            Render(summary);
            RenderHeaders("Dead-letter headers", details.DeadLetterHeaders);
            RenderHeaders("Other headers", details.Headers);
            console.Out.WriteLine(details.Payload is null ? "Payload: (null)" : $"Payload ({details.Payload.Encoding}, {Format(details.Payload.Length)} bytes):");
            if (details.Payload is not null)
            {
                console.Out.WriteLine(details.Payload.Text);
            }

            return HeraldCli.Success;
        });
        return command;
    }

    private static Metadata GetMetadata(KafkaClients clients)
    {
        using var admin = clients.CreateAdmin();
        return clients.GetMetadata(admin);
    }

    /// <summary><c>orders</c> for <c>orders.dlq</c>.</summary>
    private static string SourceTopic(string dlqTopic) => dlqTopic[..^DeadLetterHeaders.TopicFor(string.Empty).Length];

    private static HeaderLine ToHeader(IHeader header) => new(header.Key, DeadLetter.Encode(header.GetValueBytes())?.Text);

    private void RenderHeaders(string title, IReadOnlyList<HeaderLine> headers)
    {
        if (headers.Count == 0)
        {
            console.Out.WriteLine($"{title}: (none)");
            return;
        }

        console.Out.WriteLine($"{title}:");
        var table = new Table().AddColumn("Header").AddColumn("Value");
        foreach (var header in headers)
        {
            table.AddRow(Markup.Escape(header.Key), Markup.Escape(header.Value ?? "(null)"));
        }

        Render(table);
    }

    private static string Describe(EncodedBytes? bytes) => bytes switch
    {
        null => "(null)",
        { Encoding: "utf-8" } => bytes.Text,
        _ => $"{bytes.Text} (base64)",
    };

    /// <summary>Renders wide tables unwrapped when stdout is not a terminal, so scripts and logs see one row per line.</summary>
    private void Render(Spectre.Console.Rendering.IRenderable renderable) => CliOutput.RenderToOut(console, renderable);

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One row of <c>dlq list --json</c>: where a dead letter is, why it failed, where it came from; never its payload.</summary>
    /// <remarks><see cref="Status"/> is <c>waiting</c>, <c>redriven</c> or <c>discarded</c>; the two booleans say the same for older scripts.</remarks>
    internal sealed record DeadLetterRow(
        int Partition,
        long Offset,
        string? FailedAt,
        string? Reason,
        string? ExceptionType,
        int? Attempts,
        string? OriginalTopic,
        int? OriginalPartition,
        long? OriginalOffset,
        string Status,
        bool Redriven,
        bool Discarded);

    /// <summary>The output of <c>dlq show --json</c>; key and payload are UTF-8 text when valid, otherwise base64.</summary>
    internal sealed record DeadLetterDetails(
        string Topic,
        int Partition,
        long Offset,
        string? Timestamp,
        string Status,
        bool Redriven,
        bool Discarded,
        IReadOnlyList<HeaderLine> DeadLetterHeaders,
        IReadOnlyList<HeaderLine> Headers,
        EncodedBytes? Key,
        EncodedBytes? Payload);

    /// <summary>A header, its value as UTF-8 text (base64 when it is not valid UTF-8).</summary>
    internal sealed record HeaderLine(string Key, string? Value);
}
