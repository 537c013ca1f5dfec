// The order service: POST /orders, GET /orders/{id}, and the order saga. Ctrl-C stops it.
// Usage: dotnet run --project samples/Orders/Orders.OrderService -- [--bootstrap 127.0.0.1:9092] [--db orders.db] [--http 127.0.0.1:5080] [--saga-timeout 30s]
using Orders.Services.Ordering;

OrderServiceOptions options;
try
{
    options = OrderServiceOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\nusage: {OrderServiceOptions.Usage}");
    return 2;
}

await OrderService.RunAsync(options);
return 0;
