using System.CommandLine;
using System.Text;
using Confluent.Kafka.Admin;
using Herald.Cli.Kafka;
using Herald.Cli.Users;

namespace Herald.Cli.Commands;

internal sealed partial class UsersCommand
{
    private const int DefaultIterations = 4096;

    private Command CreateAddCommand()
    {
        var name = new Argument<string>("name") { Description = "User name (the principal User:NAME)" };
        var mechanism = new Option<string?>("--mechanism")
        {
            Description = "Create only this mechanism's credential; default: both, so the user can log in with either",
            HelpName = "SCRAM-SHA-256|SCRAM-SHA-512",
        }.AcceptOnlyFromAmong("SCRAM-SHA-256", "SCRAM-SHA-512");
        var iterations = new Option<int>("--iterations")
        {
            Description = "PBKDF2 iterations (4096 to 16384, Kafka's bounds)",
            HelpName = "N",
            DefaultValueFactory = _ => DefaultIterations,
        }.AtLeast(4096);
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (required: never a command-line value)" };
        var broker = new BrokerConnectionOptions();
        var command = new Command("add", "Create a user, or set a new password for one") { name, mechanism, iterations, passwordStdin };
        broker.AddTo(command);
        command.Validators.Add(result =>
        {
            if (!result.GetValue(passwordStdin))
            {
                result.AddError("--password-stdin is required: the password is read from standard input, never taken from the command line (e.g. printf '%s' \"$PASSWORD\" | herald users add alice --password-stdin)");
            }

            if (result.GetValue(iterations) > 16384)
            {
                result.AddError($"--iterations must be at most 16384, got {result.GetValue(iterations)}");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var user = result.GetValue(name)!;
            var password = (await console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)).TrimEnd('\r', '\n');
            if (password.Length == 0)
            {
                throw CliException.BadInput("the password read from standard input is empty");
            }

            ScramMechanism[] mechanisms = result.GetValue(mechanism) switch
            {
                "SCRAM-SHA-256" => [ScramMechanism.ScramSha256],
                "SCRAM-SHA-512" => [ScramMechanism.ScramSha512],
                _ => [ScramMechanism.ScramSha256, ScramMechanism.ScramSha512],
            };
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            using (var admin = clients.CreateAdmin())
            {
                await new UserAdmin(clients, admin).SetPasswordAsync(user, Encoding.UTF8.GetBytes(password), mechanisms, result.GetValue(iterations), cancellationToken).ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync(
                $"user '{user}': {string.Join(" and ", mechanisms.Select(MechanismName))} credential{(mechanisms.Length > 1 ? "s" : "")} set ({result.GetValue(iterations)} iterations)").ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }
}
