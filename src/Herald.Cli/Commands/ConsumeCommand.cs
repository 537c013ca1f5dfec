using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Herald.Cli.Kafka;

namespace Herald.Cli.Commands;

/// <summary><c>herald consume</c>: prints a topic's records to stdout, one per line.</summary>
internal sealed class ConsumeCommand : Command
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Argument<string> topic = new("topic") { Description = "Topic to read" };
    private readonly Option<string?> group = new("--group", "-g") { Description = "Join this consumer group and commit offsets (default: read all partitions, commit nothing)", HelpName = "GROUP" };
    private readonly Option<bool> fromBeginning = new("--from-beginning") { Description = "Start at the oldest record instead of the end" };
    private readonly Option<int> count = new Option<int>("--count", "-n") { Description = "Stop after N records", HelpName = "N" }.AtLeast(1);
    private readonly Option<double> timeout = new Option<double>("--timeout") { Description = "Stop after SECONDS without a record (default: run until Ctrl-C)", HelpName = "SECONDS" }.Positive();
    private readonly Option<bool> printKey = new("--print-key") { Description = "Print key<TAB>value" };
    private readonly Option<bool> json = CommonOptions.Json("One JSON object per record: topic, partition, offset, key, value, timestamp, headers");
    private readonly BrokerConnectionOptions broker = new();
    private readonly CliConsole console;

    public ConsumeCommand(CliConsole console)
        : base("consume", "Print a topic's records to stdout, one per line")
    {
        this.console = console;
        Arguments.Add(topic);
        Options.Add(group);
        Options.Add(fromBeginning);
        Options.Add(count);
        Options.Add(timeout);
        Options.Add(printKey);
        Options.Add(json);
        broker.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var name = result.GetValue(topic)!;
        var groupId = result.GetValue(group);
        var clients = broker.CreateClients(result);
        await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);

        TopicMetadata metadata;
        using (var admin = clients.CreateAdmin())
        {
            metadata = clients.GetTopic(admin, name);
        }

        using var consumer = clients.CreateConsumer(groupId, result.GetValue(fromBeginning));
        if (groupId is null)
        {
            var start = result.GetValue(fromBeginning) ? Offset.Beginning : Offset.End;
            consumer.Assign(metadata.Partitions.Select(p => new TopicPartitionOffset(name, p.PartitionId, start)));
        }
        else
        {
            consumer.Subscribe(name);
        }

        var format = result.GetValue(json) ? Format.Json : result.GetValue(printKey) ? Format.KeyValue : Format.Value;
        var limit = result.GetExplicitValue(count);
        var idleLimit = result.GetExplicitValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        try
        {
            // A live status line would tear through records printed to the same terminal.
            var progressConsole = console.OutIsTerminal ? console with { ErrorIsTerminal = false } : console;
            await CliOutput.WithStatusAsync(progressConsole, $"consuming {name}", status => Task.Run(
                () => Loop(consumer, clients, name, format, limit, idleLimit, status, cancellationToken), CancellationToken.None)).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The reader closed stdout (`herald consume t | head`): stop quietly, as kcat does.
        }
        finally
        {
            if (groupId is not null)
            {
                consumer.Close();
            }
        }

        return HeraldCli.Success;
    }

    private long Loop(IConsumer<string?, string> consumer, KafkaClients clients, string name, Format format, int? limit, TimeSpan? idleLimit, Action<string> status, CancellationToken cancellationToken)
    {
        long consumed = 0;
        var idle = Stopwatch.StartNew();
        var sinceFlush = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested && (limit is null || consumed < limit))
        {
            ConsumeResult<string?, string>? record;
            try
            {
                record = consumer.Consume(PollInterval);
            }
            catch (ConsumeException e)
            {
                throw clients.Describe(e.Error, e, name);
            }

            if (record is null || record.IsPartitionEOF)
            {
                clients.ThrowIfAuthenticationFailed();
                console.Out.Flush();
                sinceFlush.Restart();
                if (idleLimit is { } limitIdle && idle.Elapsed >= limitIdle)
                {
                    break;
                }

                continue;
            }

            idle.Restart();
            console.Out.WriteLine(Render(record, format));
            if (++consumed % 1000 == 0)
            {
                status($"consumed {consumed:N0} records from {name}");
            }

            if (sinceFlush.Elapsed > PollInterval)
            {
                console.Out.Flush();
                sinceFlush.Restart();
            }
        }

        console.Out.Flush();
        return consumed;
    }

    private static string Render(ConsumeResult<string?, string> record, Format format) => format switch
    {
        Format.KeyValue => $"{record.Message.Key}\t{record.Message.Value}",
        Format.Json => CliOutput.ToJsonLine(new RecordLine(
            record.Topic,
            record.Partition.Value,
            record.Offset.Value,
            record.Message.Key,
            record.Message.Value,
            record.Message.Timestamp.UnixTimestampMs,
            record.Message.Headers?.Select(h => new HeaderLine(h.Key, h.GetValueBytes() is { } bytes ? Encoding.UTF8.GetString(bytes) : null)).ToList() ?? [])),
        _ => record.Message.Value ?? string.Empty,
    };

    private enum Format
    {
        Value,
        KeyValue,
        Json,
    }

    /// <summary>One line of <c>consume --json</c>; the timestamp is in Unix milliseconds.</summary>
    internal sealed record RecordLine(string Topic, int Partition, long Offset, string? Key, string? Value, long Timestamp, IReadOnlyList<HeaderLine> Headers);

    /// <summary>A record header in <c>consume --json</c>, its value read as UTF-8.</summary>
    internal sealed record HeaderLine(string Key, string? Value);
}
