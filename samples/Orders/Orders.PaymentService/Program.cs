// The payment service: charges orders once, refunds cancelled ones once. Ctrl-C stops it.
// Usage: dotnet run --project samples/Orders/Orders.PaymentService -- [--bootstrap 127.0.0.1:9092] [--db payments.db | --postgres "Host=...;Username=...;Database=..."]
using Orders.Services.Payments;

PaymentOptions options;
try
{
    options = PaymentOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}\nusage: {PaymentOptions.Usage}");
    return 2;
}

await PaymentService.RunAsync(options);
return 0;
