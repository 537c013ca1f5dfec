using Orders.Services.Hosting;

namespace Orders.Services.Inventory;

/// <summary>How the inventory service runs.</summary>
/// <param name="Common">Broker, topic, group.</param>
/// <param name="Database">The SQLite file with stock, reservations, inbox and outbox.</param>
/// <param name="FailEveryReservation">Fail every reservation (<c>--fail</c>): the way to watch the saga compensate.</param>
public sealed record InventoryOptions(OrderFlowOptions Common, string Database, bool FailEveryReservation)
{
    public const string DefaultGroup = "inventory-service";

    public const string Usage = "inventory service: [--bootstrap HOST:PORT] [--db inventory.db] [--fail] [--topic orders.flow] [--group inventory-service] [--instance ID]";

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static InventoryOptions Parse(string[] args)
    {
        var arguments = ServiceArguments.Parse(args, [.. OrderFlowOptions.Valued, "--db"], ["--fail"]);
        return new InventoryOptions(OrderFlowOptions.From(arguments, DefaultGroup), arguments.Value("--db", "inventory.db"), arguments.Has("--fail"));
    }
}
