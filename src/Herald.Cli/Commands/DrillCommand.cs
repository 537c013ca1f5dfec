using System.CommandLine;

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
        Subcommands.Add(CreateLagDlqCommand());
    }
}
