using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Kafka;
using Herald.Cli.Users;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald users add|list|delete</c>: SCRAM users, over Kafka's AlterUserScramCredentials and DescribeUserScramCredentials.</summary>
/// <remarks>These are Kafka APIs (KIP-554), so the same commands manage the users of a real Kafka cluster. Against a Herald
/// started with <c>--auth</c>, only an administrator may manage other users; anyone may change their own password.</remarks>
internal sealed partial class UsersCommand : Command
{
    private readonly CliConsole console;

    public UsersCommand(CliConsole console)
        : base("users", "Add, list and delete SASL/SCRAM users (Kafka's user SCRAM credential APIs)")
    {
        this.console = console;
        Subcommands.Add(CreateAddCommand());
        Subcommands.Add(CreateListCommand());
        Subcommands.Add(CreateDeleteCommand());
    }

    private Command CreateListCommand()
    {
        var json = CommonOptions.Json("One JSON array of users and their mechanisms on stdout (never a secret)");
        var broker = new BrokerConnectionOptions();
        var command = new Command("list", "List users with their SCRAM mechanisms and iteration counts") { json };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            List<UserSummary> users;
            using (var admin = clients.CreateAdmin())
            {
                users = await new UserAdmin(clients, admin).ListAsync(cancellationToken).ConfigureAwait(false);
            }

            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, users);
            }
            else if (users.Count > 0)
            {
                var table = new Table().AddColumn("User").AddColumn("Mechanisms");
                foreach (var user in users)
                {
                    table.AddRow(
                        Markup.Escape(user.User),
                        Markup.Escape(string.Join(", ", user.Credentials.Select(c => $"{c.Mechanism} ({c.Iterations} iterations)"))));
                }

                CliOutput.RenderToOut(console, table);
            }

            await console.Error.WriteLineAsync($"{users.Count} user(s)").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }

    /// <summary>The SASL mechanism name of a Confluent.Kafka SCRAM mechanism.</summary>
    internal static string MechanismName(ScramMechanism mechanism) => mechanism switch
    {
        ScramMechanism.ScramSha256 => "SCRAM-SHA-256",
        ScramMechanism.ScramSha512 => "SCRAM-SHA-512",
        _ => mechanism.ToString(),
    };
}
