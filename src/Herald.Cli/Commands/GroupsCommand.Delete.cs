using System.CommandLine;
using Herald.Cli.Groups;
using Herald.Cli.Kafka;

namespace Herald.Cli.Commands;

internal sealed partial class GroupsCommand
{
    private Command CreateDeleteCommand()
    {
        var group = new Argument<string>("group") { Description = "Consumer group id" };
        var json = CommonOptions.Json("Print {\"group\", \"deleted\"} on stdout");
        var broker = new BrokerConnectionOptions();
        var command = new Command("delete", "Delete an idle consumer group and its committed offsets") { group, json };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var groupId = result.GetValue(group)!;
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            using (var admin = clients.CreateAdmin())
            {
                await new GroupAdmin(clients, admin).DeleteAsync(groupId, cancellationToken).ConfigureAwait(false);
            }

            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, new DeletedGroup(groupId, true));
            }

            await console.Error.WriteLineAsync($"deleted consumer group '{groupId}' and its committed offsets").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }

    /// <summary>The output of <c>groups delete --json</c>.</summary>
    internal sealed record DeletedGroup(string Group, bool Deleted);
}
