// The inventory service: reserves stock or fails (stock short, or --fail), releases a cancelled order's stock. Ctrl-C stops it.
// Usage: dotnet run --project samples/Orders/Orders.InventoryService -- [--bootstrap 127.0.0.1:9092] [--db inventory.db] [--fail]
using Orders.Services.Inventory;

InventoryOptions options;
try
{
    options = InventoryOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\nusage: {InventoryOptions.Usage}");
    return 2;
}

await InventoryService.RunAsync(options);
return 0;
