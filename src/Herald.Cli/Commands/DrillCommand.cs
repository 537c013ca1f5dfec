using System.CommandLine;
using Herald.Server;
using Microsoft.Extensions.Logging;

namespace Herald.Cli.Commands;

/// <summary><c>herald drill ...</c>: the seed's drills as runnable scenarios that check their own outcome.</summary>
internal sealed partial class DrillCommand : Command
{
    private readonly CliConsole console;

    public DrillCommand(CliConsole console)
        : base("drill", "Run the seed's drills as self-checking scenarios")
    {
        this.console = console;
        Subcommands.Add(CreateSchemaCommand());
        Subcommands.Add(CreateSnapshotsCommand());
        Subcommands.Add(CreateCdcCommand());
        Subcommands.Add(CreateSagaCommand());
        Subcommands.Add(CreateLagDlqCommand());
        Subcommands.Add(CreateOutageCommand());
        Subcommands.Add(CreateServiceCommand());
    }

    /// <summary>Starts a private Herald for a drill on free loopback ports over <paramref name="dataDirectory"/>, logging warnings only.</summary>
    private static Task<HeraldServer> StartEmbeddedHeraldAsync(string dataDirectory, CancellationToken cancellationToken) =>
        HeraldServer.StartAsync(
            new HeraldServerOptions
            {
                DataDirectory = dataDirectory,
                KafkaListen = "127.0.0.1:0",
                HttpListen = "127.0.0.1:0",
                RegistryListen = "127.0.0.1:0",
                InitialRebalanceDelayMs = 0,
                ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
            },
            cancellationToken);
}
