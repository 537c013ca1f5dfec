using System.CommandLine;
using Confluent.Kafka;
using Herald.Cli.Kafka;

namespace Herald.Cli.Commands;

/// <summary><c>herald produce</c>: kcat-style, one record per stdin line, optionally <c>key&lt;SEP&gt;value</c>.</summary>
internal sealed class ProduceCommand : Command
{
    private readonly Argument<string> topic = new("topic") { Description = "Topic to write to" };
    private readonly Option<string?> keySeparator = new("--key-separator", "-K") { Description = "Split each line into key and value at the first SEP", HelpName = "SEP" };
    private readonly Option<int> partition = new Option<int>("--partition", "-p") { Description = "Write every record to this partition (default: by key)", HelpName = "N" }.AtLeast(0);
    private readonly Option<string> acks = new("--acks") { Description = "Acknowledgements to wait for", DefaultValueFactory = _ => "all" };
    private readonly Option<bool> json = CommonOptions.Json("Print the summary as JSON on stdout");
    private readonly BrokerConnectionOptions broker = new();
    private readonly CliConsole console;

    public ProduceCommand(CliConsole console)
        : base("produce", "Write stdin lines to a topic, one record per line")
    {
        this.console = console;
        acks.AcceptOnlyFromAmong("all", "1", "0");
        keySeparator.Validators.Add(option =>
        {
            if (option.GetValueOrDefault<string?>() is "")
            {
                option.AddError("--key-separator must not be empty");
            }
        });
        Arguments.Add(topic);
        Options.Add(keySeparator);
        Options.Add(partition);
        Options.Add(acks);
        Options.Add(json);
        broker.AddTo(this);
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var name = result.GetValue(topic)!;
        var separator = result.GetValue(keySeparator);
        var target = result.GetExplicitValue(partition);
        var clients = broker.CreateClients(result);
        await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);

        var acknowledgements = result.GetValue(acks) switch { "0" => Acks.None, "1" => Acks.Leader, _ => Acks.All };
        using var producer = clients.CreateProducer(acknowledgements);
        var delivery = new DeliveryTracker();
        var sent = await CliOutput.WithStatusAsync(console, "producing", status => Task.Run(async () =>
        {
            long count = 0;
            while (delivery.FirstError is null && await console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                Produce(producer, name, target, Split(line, separator), delivery, cancellationToken);
                if (++count % 1000 == 0)
                {
                    status($"produced {count:N0} records to {name}");
                }
            }

            status($"flushing {count:N0} records to {name}");
            while (producer.Flush(TimeSpan.FromMilliseconds(200)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                clients.ThrowIfAuthenticationFailed();
            }

            return count;
        }, cancellationToken)).ConfigureAwait(false);

        if (delivery.FirstError is { } error)
        {
            var failure = error.Code == ErrorCode.Local_UnknownPartition
                ? new CliException($"topic '{name}' has no partition {target}")
                : clients.Describe(error, topic: name);
            throw error.Code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition
                ? failure
                : new CliException($"{delivery.Failed} of {sent} records to '{name}' failed: {failure.Message}");
        }

        var summary = new ProduceSummary(name, sent);
        if (result.GetValue(json))
        {
            CliOutput.WriteJson(console.Out, summary);
        }
        else
        {
            await console.Error.WriteLineAsync($"produced {sent} records to {name}").ConfigureAwait(false);
        }

        return HeraldCli.Success;
    }

    private static Message<string?, string> Split(string line, string? separator)
    {
        var at = separator is null ? -1 : line.IndexOf(separator, StringComparison.Ordinal);
        return at < 0
            ? new Message<string?, string> { Value = line }
            : new Message<string?, string> { Key = line[..at], Value = line[(at + separator!.Length)..] };
    }

    private static void Produce(IProducer<string?, string> producer, string topic, int? partition, Message<string?, string> message, DeliveryTracker delivery, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (partition is { } p)
                {
                    producer.Produce(new TopicPartition(topic, p), message, delivery.OnDelivered);
                }
                else
                {
                    producer.Produce(topic, message, delivery.OnDelivered);
                }

                return;
            }
            catch (ProduceException<string?, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue is full: serve delivery reports until librdkafka has room again.
                cancellationToken.ThrowIfCancellationRequested();
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    /// <summary>The output of <c>produce --json</c>.</summary>
    internal sealed record ProduceSummary(string Topic, long Count);

    private sealed class DeliveryTracker
    {
        private long failed;
        private Error? firstError;

        public long Failed => Interlocked.Read(ref failed);

        public Error? FirstError => Volatile.Read(ref firstError);

        public void OnDelivered(DeliveryReport<string?, string> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, report.Error, null);
            }
        }
    }
}
