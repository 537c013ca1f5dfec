using System.CommandLine;
using Herald.Cdc.Connector;
using Herald.Cdc.Serialization;
using Herald.Cdc.Transforms;
using Herald.Cli.Kafka;

namespace Herald.Cli.Commands;

/// <summary><c>herald cdc run|status</c>: change data capture from PostgreSQL into Debezium-style topics.</summary>
internal sealed partial class CdcCommand : Command
{
    private readonly CliConsole console;

    public CdcCommand(CliConsole console)
        : base("cdc", "Capture PostgreSQL changes (logical replication) into Debezium-style topics")
    {
        this.console = console;
        Subcommands.Add(CreateRunCommand());
        Subcommands.Add(CreateStatusCommand());
    }

    private static Option<string> Postgres() => new("--postgres")
    {
        Description = "Npgsql connection string of the source database, e.g. \"Host=localhost;Username=app;Database=shop\"",
        HelpName = "CONNECTION",
        Required = true,
    };

    private Command CreateRunCommand()
    {
        var postgres = Postgres();
        var tables = new Option<string>("--tables") { Description = "Tables to capture, comma-separated schema.table", HelpName = "TABLES", Required = true };
        var prefix = new Option<string>("--prefix") { Description = "Topic prefix (Debezium topic.prefix): topics are PREFIX.schema.table", HelpName = "PREFIX", Required = true };
        var broker = new BrokerConnectionOptions();
        var slot = new Option<string?>("--slot") { Description = "Replication slot (default herald_PREFIX)", HelpName = "NAME" };
        var publication = new Option<string?>("--publication") { Description = "Publication (default: the slot name)", HelpName = "NAME" };
        var schemas = new Option<bool>("--schemas") { Description = "Write the JSON converter's inline schemas (schemas.enable=true)" };
        var noSnapshot = new Option<bool>("--no-snapshot") { Description = "Do not read existing rows when the slot is new (snapshot.mode=no_data)" };
        var unwrap = new Option<bool>("--unwrap") { Description = "Publish the flat row instead of the envelope (Debezium's ExtractNewRecordState)" };
        var unwrapConfig = new Option<string[]>("--unwrap-config")
        {
            Description = "An ExtractNewRecordState setting, repeatable; implies --unwrap (e.g. delete.tombstone.handling.mode=rewrite, add.fields=op,lsn)",
            HelpName = "KEY=VALUE",
        };
        var command = new Command("run", "Stream changes of the tables to PREFIX.schema.table until Ctrl-C or SIGTERM")
        {
            postgres, tables, prefix, slot, publication, schemas, noSnapshot, unwrap, unwrapConfig,
        };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var tableList = result.GetValue(tables)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (tableList.Length == 0)
            {
                throw CliException.BadInput("--tables is empty: name at least one table, e.g. --tables public.orders");
            }

            var clients = broker.CreateClients(result);
            var options = new CdcConnectorOptions
            {
                ConnectionString = result.GetValue(postgres)!,
                Tables = tableList,
                TopicPrefix = result.GetValue(prefix)!,
                BootstrapServers = string.Join(',', Endpoint.ParseList(clients.Bootstrap, "--bootstrap")),
                ConfigureProducer = config => clients.Apply(config),
                SlotName = result.GetValue(slot),
                PublicationName = result.GetValue(publication),
                InitialSnapshot = !result.GetValue(noSnapshot),
                Transform = CreateTransform(result.GetValue(schemas), result.GetValue(unwrap), result.GetValue(unwrapConfig) ?? []),
            };
            return await RunAsync(options, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The record shape: Debezium's envelope (+ tombstone), or the flat row of ExtractNewRecordState.</summary>
    private static IChangeTransform CreateTransform(bool schemas, bool unwrap, string[] unwrapConfig)
    {
        var serializer = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = schemas });
        if (!unwrap && unwrapConfig.Length == 0)
        {
            return new EnvelopeTransform(serializer);
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in unwrapConfig)
        {
            var parts = entry.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                throw CliException.BadInput($"--unwrap-config '{entry}' is not KEY=VALUE, e.g. delete.tombstone.handling.mode=rewrite");
            }

            settings[parts[0].Trim()] = parts[1].Trim();
        }

        try
        {
            return new ExtractNewRecordState(ExtractNewRecordStateOptions.Parse(settings), serializer);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw CliException.BadInput($"--unwrap-config: {e.Message}", e);
        }
    }

    private async Task<int> RunAsync(CdcConnectorOptions options, CancellationToken cancellationToken)
    {
        var connector = new CdcConnector(options, new CliLogger<CdcConnector>(console.Error));
        var run = connector.RunAsync(cancellationToken);
        try
        {
            await Task.WhenAny(connector.Ready, run).ConfigureAwait(false);
            if (connector.Ready.IsCompletedSuccessfully)
            {
                var topics = string.Join(", ", options.Tables.Select(t => $"{options.TopicPrefix}.{(t.Contains('.', StringComparison.Ordinal) ? t : "public." + t)}"));
                var status = connector.Status;
                await console.Out.WriteLineAsync(
                    $"herald cdc ready: slot {status.SlotName}, publication {options.EffectivePublicationName}, snapshot {status.SnapshotRows} rows, streaming to {topics}").ConfigureAwait(false);
                await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await run.ConfigureAwait(false);
        }
        catch (CdcException e)
        {
            throw new CliException(e.Message, e);
        }

        return HeraldCli.Success;
    }

    private Command CreateStatusCommand()
    {
        var postgres = Postgres();
        var slot = new Option<string?>("--slot") { Description = "Replication slot (default herald_PREFIX)", HelpName = "NAME" };
        var prefix = new Option<string?>("--prefix") { Description = "Topic prefix, to derive the default slot name", HelpName = "PREFIX" };
        var json = CommonOptions.Json();
        var command = new Command("status", "Show a capture slot's position and lag: confirmed_flush_lsn, restart_lsn, lag bytes, last LSN processed")
        {
            postgres, slot, prefix, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var slotName = result.GetValue(slot) ?? (result.GetValue(prefix) is { } p ? CdcConnectorOptions.DefaultSlotName(p) : null)
                ?? throw CliException.BadInput("name the slot: --slot NAME, or --prefix PREFIX for the default herald_PREFIX");
            CdcStatus? status;
            try
            {
                status = await CdcStatus.ReadAsync(result.GetValue(postgres)!, slotName, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Npgsql.NpgsqlException e)
            {
                throw new CliException($"cannot read the slot from PostgreSQL: {e.Message}; check --postgres", e);
            }

            if (status is null)
            {
                throw new CliException($"no replication slot {slotName} in this database: start 'herald cdc run' first, or check --slot/--prefix");
            }

            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, status);
                return HeraldCli.Success;
            }

            await console.Out.WriteLineAsync($"slot                 {status.SlotName}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"active               {(status.Active ? $"yes (pid {status.ActivePid})" : "no")}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"confirmed_flush_lsn  {status.ConfirmedFlushLsn}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"restart_lsn          {status.RestartLsn}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"lag                  {status.LagBytes} bytes").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"last processed LSN   {status.LastProcessedLsn ?? "-"}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"snapshot completed   {status.SnapshotCompletedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "no"}").ConfigureAwait(false);
            await console.Out.WriteLineAsync($"wal_status           {status.WalStatus}").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }
}
