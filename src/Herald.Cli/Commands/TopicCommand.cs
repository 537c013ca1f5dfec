using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Kafka;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald topic create|list|describe</c>: topic administration through the Kafka admin API.</summary>
internal sealed partial class TopicCommand : Command
{
    private readonly CliConsole console;

    public TopicCommand(CliConsole console)
        : base("topic", "Create, list and describe topics")
    {
        this.console = console;
        Subcommands.Add(CreateCreateCommand());
        Subcommands.Add(CreateListCommand());
        Subcommands.Add(CreateDescribeCommand());
    }

    private Command CreateCreateCommand()
    {
        var name = new Argument<string>("name") { Description = "Topic name" };
        var partitions = new Option<int>("--partitions", "-p") { Description = "Number of partitions", HelpName = "N", DefaultValueFactory = _ => 1 };
        var configs = new Option<string[]>("--config", "-c") { Description = "Topic config, repeatable (e.g. retention.ms=86400000)", HelpName = "KEY=VALUE" };
        configs.Validators.Add(option =>
        {
            foreach (var token in option.Tokens.Where(t => !t.Value.Contains('=', StringComparison.Ordinal) || t.Value.StartsWith('=')))
            {
                option.AddError($"--config '{token.Value}' is not KEY=VALUE");
            }
        });
        partitions.AtLeast(1);
        var broker = new BrokerConnectionOptions();
        var command = new Command("create", "Create a topic") { name, partitions, configs };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var topic = result.GetValue(name)!;
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            var specification = new TopicSpecification
            {
                Name = topic,
                NumPartitions = result.GetValue(partitions),
                ReplicationFactor = 1,
                Configs = (result.GetValue(configs) ?? []).Select(c => c.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]),
            };
            using var admin = clients.CreateAdmin();
            try
            {
                await admin.CreateTopicsAsync([specification], new CreateTopicsOptions { RequestTimeout = KafkaClients.RequestTimeout, OperationTimeout = KafkaClients.RequestTimeout })
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CreateTopicsException e) when (e.Results.FirstOrDefault()?.Error.Code == ErrorCode.TopicAlreadyExists)
            {
                throw new CliException($"topic '{topic}' already exists", e);
            }
            catch (CreateTopicsException e)
            {
                throw clients.Describe(e.Results.FirstOrDefault()?.Error ?? e.Error, e);
            }
            catch (KafkaException e)
            {
                throw clients.Describe(e.Error, e);
            }

            await console.Error.WriteLineAsync($"created topic '{topic}' with {specification.NumPartitions} partition(s)").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }

    private Command CreateListCommand()
    {
        var json = CommonOptions.Json();
        var broker = new BrokerConnectionOptions();
        var command = new Command("list", "List topics") { json };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            using var admin = clients.CreateAdmin();
            var topics = clients.GetMetadata(admin).Topics
                .Where(t => t.Error.Code == ErrorCode.NoError)
                .OrderBy(t => t.Topic, StringComparer.Ordinal)
                .Select(t => new TopicSummary(t.Topic, t.Partitions.Count))
                .ToList();
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, topics);
                return HeraldCli.Success;
            }

            var table = new Table().AddColumn("Topic").AddColumn(new TableColumn("Partitions").RightAligned());
            foreach (var topic in topics)
            {
                table.AddRow(Markup.Escape(topic.Name), topic.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            CliOutput.Render(console.Out, table, console.OutIsTerminal);
            return HeraldCli.Success;
        });
        return command;
    }

    /// <summary>One row of <c>topic list --json</c>.</summary>
    internal sealed record TopicSummary(string Name, int Partitions);
}
