using System.CommandLine;
using Orders.Services.Inventory;
using Orders.Services.Ordering;
using Orders.Services.Payments;

namespace Herald.Cli.Commands;

internal sealed partial class DrillCommand
{
    /// <summary>
    /// <c>herald drill service order|payment|inventory [options]</c> (hidden): one of the Orders sample's services in this
    /// process. The saga and outage drills start each service by running this same executable with it, so the services
    /// are real, separate processes that can be killed — and nothing but <c>herald</c> has to be installed.
    /// </summary>
    private static Command CreateServiceCommand()
    {
        var name = new Argument<string>("service") { Description = "order, payment or inventory" };
        name.AcceptOnlyFromAmong("order", "payment", "inventory");
        var command = new Command("service", "Run one of the Orders sample's services (used by the saga and outage drills)")
        {
            name,
        };
        command.Hidden = true;
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var arguments = result.UnmatchedTokens.ToArray();
            Func<CancellationToken, Task> run;
            try
            {
                run = Parse(result.GetValue(name)!, arguments);
            }
            catch (ArgumentException e)
            {
                throw CliException.BadInput(e.Message, e);
            }

            await run(cancellationToken).ConfigureAwait(false);
            return HeraldCli.Success;
        });
        return command;
    }

    /// <summary>Parses the service's own options first, so a bad one is a usage error rather than a failure at run time.</summary>
    private static Func<CancellationToken, Task> Parse(string service, string[] arguments)
    {
        switch (service)
        {
            case "order":
                var order = OrderServiceOptions.Parse(arguments);
                return cancellationToken => OrderService.RunAsync(order, cancellationToken);
            case "payment":
                var payment = PaymentOptions.Parse(arguments);
                return cancellationToken => PaymentService.RunAsync(payment, cancellationToken);
            default:
                var inventory = InventoryOptions.Parse(arguments);
                return cancellationToken => InventoryService.RunAsync(inventory, cancellationToken);
        }
    }
}
