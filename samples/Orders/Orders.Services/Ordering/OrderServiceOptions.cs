using Orders.Services.Hosting;

namespace Orders.Services.Ordering;

/// <summary>How the order service runs.</summary>
/// <param name="Common">Broker, topic, group.</param>
/// <param name="Database">The SQLite file with orders, saga state, inbox and outbox.</param>
/// <param name="Http">Where <c>POST /orders</c> listens, e.g. <c>127.0.0.1:5080</c> (port 0: any free port).</param>
/// <param name="SagaTimeout">How long the saga waits for the inventory's answer before it cancels the order; null: forever.</param>
/// <param name="MaxBacklog">
/// Refuse new orders (503 with Retry-After) once this many events wait in the outbox; null: keep buffering however long
/// the broker is down.
/// </param>
public sealed record OrderServiceOptions(OrderFlowOptions Common, string Database, string Http, TimeSpan? SagaTimeout, long? MaxBacklog)
{
    public const string DefaultGroup = "order-service";
    public static readonly TimeSpan DefaultSagaTimeout = TimeSpan.FromSeconds(30);

    public const string Usage = "order service: [--bootstrap HOST:PORT] [--db orders.db] [--http 127.0.0.1:5080] [--saga-timeout 30s (0: none)] [--max-backlog ROWS] [--topic orders.flow] [--group order-service] [--instance ID]";

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static OrderServiceOptions Parse(string[] args)
    {
        var arguments = ServiceArguments.Parse(args, [.. OrderFlowOptions.Valued, "--db", "--http", "--saga-timeout", "--max-backlog"], []);
        var timeout = arguments.Duration("--saga-timeout") ?? DefaultSagaTimeout;
        return new OrderServiceOptions(
            OrderFlowOptions.From(arguments, DefaultGroup),
            arguments.Value("--db", "orders.db"),
            arguments.Value("--http", "127.0.0.1:5080"),
            timeout == TimeSpan.Zero ? null : timeout,
            arguments.Int("--max-backlog") is { } rows ? rows >= 0 ? rows : throw new ArgumentException("--max-backlog cannot be negative") : null);
    }
}
