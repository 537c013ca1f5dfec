using System.CommandLine;
using Herald.Cli.Kafka;
using Herald.Cli.Users;

namespace Herald.Cli.Commands;

internal sealed partial class UsersCommand
{
    private Command CreateDeleteCommand()
    {
        var name = new Argument<string>("name") { Description = "User name" };
        var broker = new BrokerConnectionOptions();
        var command = new Command("delete", "Delete a user: every SCRAM credential they have") { name };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var user = result.GetValue(name)!;
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> deleted;
            using (var admin = clients.CreateAdmin())
            {
                deleted = await new UserAdmin(clients, admin).DeleteAsync(user, cancellationToken).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync($"deleted user '{user}' ({string.Join(", ", deleted)})").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }
}
