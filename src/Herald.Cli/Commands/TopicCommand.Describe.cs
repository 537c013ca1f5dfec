using System.CommandLine;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Kafka;
using Spectre.Console;

namespace Herald.Cli.Commands;

internal sealed partial class TopicCommand
{
    private Command CreateDescribeCommand()
    {
        var name = new Argument<string>("name") { Description = "Topic name" };
        var json = CommonOptions.Json();
        var broker = new BrokerConnectionOptions();
        var command = new Command("describe", "Show a topic's partitions, leaders, watermarks and configs") { name, json };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            var description = await DescribeAsync(clients, result.GetValue(name)!, cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, description);
            }
            else
            {
                Render(description);
            }

            return HeraldCli.Success;
        });
        return command;
    }

    private static async Task<TopicDescription> DescribeAsync(KafkaClients clients, string topic, CancellationToken cancellationToken)
    {
        using var admin = clients.CreateAdmin();
        var metadata = clients.GetTopic(admin, topic);
        List<DescribeConfigsResult> configs;
        try
        {
            configs = await admin.DescribeConfigsAsync(
                    [new ConfigResource { Type = ResourceType.Topic, Name = topic }],
                    new DescribeConfigsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DescribeConfigsException e)
        {
            throw clients.Describe(e.Results.FirstOrDefault()?.Error ?? e.Error, e, topic);
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e, topic);
        }

        using var consumer = clients.CreateConsumer(groupId: null, fromBeginning: true);
        var partitions = new List<PartitionDescription>();
        foreach (var partition in metadata.Partitions.OrderBy(p => p.PartitionId))
        {
            WatermarkOffsets watermarks;
            try
            {
                watermarks = await Task.Run(
                    () => consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition.PartitionId), KafkaClients.RequestTimeout),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaException e)
            {
                throw clients.Describe(e.Error, e, topic);
            }

            partitions.Add(new PartitionDescription(partition.PartitionId, partition.Leader, partition.Replicas, partition.InSyncReplicas, watermarks.Low.Value, watermarks.High.Value));
        }

        var entries = configs.SelectMany(c => c.Entries.Values).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        return new TopicDescription(
            topic,
            partitions,
            entries.ToDictionary(e => e.Name, e => (string?)e.Value),
            entries.Where(e => !e.IsDefault).Select(e => e.Name).ToList());
    }

    private void Render(TopicDescription description)
    {
        var partitions = new Table().Title(Markup.Escape(description.Name))
            .AddColumn("Partition").AddColumn("Leader").AddColumn("Replicas").AddColumn("ISR")
            .AddColumn(new TableColumn("Low").RightAligned()).AddColumn(new TableColumn("High").RightAligned());
        foreach (var p in description.Partitions)
        {
            partitions.AddRow(
                Format(p.Partition), Format(p.Leader), string.Join(',', p.Replicas), string.Join(',', p.Isr), Format(p.Low), Format(p.High));
        }

        var configs = new Table().AddColumn("Config").AddColumn("Value").AddColumn("Source");
        foreach (var (key, value) in description.Configs)
        {
            configs.AddRow(Markup.Escape(key), Markup.Escape(value ?? "(null)"), description.Overrides.Contains(key) ? "topic" : "default");
        }

        CliOutput.Render(console.Out, partitions, console.OutIsTerminal);
        CliOutput.Render(console.Out, configs, console.OutIsTerminal);
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The output of <c>topic describe --json</c>.</summary>
    /// <param name="Name">The topic.</param>
    /// <param name="Partitions">Every partition with its leader and watermarks.</param>
    /// <param name="Configs">Every config the broker reports, by name.</param>
    /// <param name="Overrides">Config names set on the topic rather than inherited.</param>
    internal sealed record TopicDescription(string Name, IReadOnlyList<PartitionDescription> Partitions, IReadOnlyDictionary<string, string?> Configs, IReadOnlyList<string> Overrides);

    /// <summary>One partition in <c>topic describe --json</c>.</summary>
    internal sealed record PartitionDescription(int Partition, int Leader, int[] Replicas, int[] Isr, long Low, long High);
}
