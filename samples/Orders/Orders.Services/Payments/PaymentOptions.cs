using Orders.Services.Hosting;

namespace Orders.Services.Payments;

/// <summary>How the payment service runs.</summary>
/// <param name="Common">Broker, topic, group.</param>
/// <param name="Database">The SQLite file, when <paramref name="Postgres"/> is not given.</param>
/// <param name="Postgres">A PostgreSQL connection string: payments, inbox and outbox in PostgreSQL instead of SQLite.</param>
/// <param name="ChargeDelay">Simulated payment-gateway latency per charge.</param>
/// <param name="DeclineOver">Charges above this amount are declined (PaymentFailed).</param>
public sealed record PaymentOptions(OrderFlowOptions Common, string Database, string? Postgres, TimeSpan ChargeDelay, decimal DeclineOver)
{
    public const string DefaultGroup = "payment-service";
    public const decimal DefaultDeclineOver = 10_000m;

    public const string Usage = "payment service: [--bootstrap HOST:PORT] [--db payments.db | --postgres CONNECTION] [--charge-delay 0ms] [--topic orders.flow] [--group payment-service] [--instance ID]";

    public bool UsesPostgres => Postgres is not null;

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static PaymentOptions Parse(string[] args)
    {
        var arguments = ServiceArguments.Parse(args, [.. OrderFlowOptions.Valued, "--db", "--postgres", "--charge-delay"], []);
        if (arguments.Has("--db") && arguments.Has("--postgres"))
        {
            throw new ArgumentException("give --db or --postgres, not both");
        }

        return new PaymentOptions(
            OrderFlowOptions.From(arguments, DefaultGroup),
            arguments.Value("--db", "payments.db"),
            arguments.Value("--postgres"),
            arguments.Duration("--charge-delay") ?? TimeSpan.Zero,
            DefaultDeclineOver);
    }
}
