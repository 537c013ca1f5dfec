using Confluent.Kafka;

namespace Herald.Outbox;

/// <summary>How the outbox relay publishes, backs off and limits the backlog; change it with <c>with</c>.</summary>
/// <remarks>
/// Configured in <c>AddHerald(o =&gt; o.UseSqlite(...).Outbox(r =&gt; r with { BatchSize = 1000 }))</c>, or passed to an
/// <see cref="OutboxRelay"/> run on its own.
/// </remarks>
public sealed record OutboxRelayOptions
{
    /// <summary>The default options.</summary>
    public static OutboxRelayOptions Default { get; } = new();

    /// <summary>
    /// The relay name: its lease and cursor rows are keyed by it. Every instance of one application uses the same name, so
    /// only one of them publishes at a time. Default <c>default</c>.
    /// </summary>
    public string Name { get; init; } = "default";

    /// <summary>
    /// This instance's identity in the lease table; must differ between relays on one outbox. Default (null): host
    /// name, process id and a random suffix, new for every <see cref="OutboxRelay"/>.
    /// </summary>
    public string? Owner { get; init; }

    /// <summary>Rows read and produced per round. Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// How often an idle relay looks for rows written by other processes. Enqueues in this process wake it at once.
    /// Default 1 s.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a lease lasts unless renewed; the holder renews it after a third of this. A crashed holder is replaced
    /// after at most this long. Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a batch may wait for the broker's acknowledgements before the wait counts as a failure for the circuit
    /// breaker. The records are not given up: the producer keeps them in order and retries until the broker answers.
    /// Default 10 s.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Failed publishes with a permanent error (record too large, invalid topic, not authorized) after which a row is
    /// moved to the dead table and the rows behind it go ahead. Default 5.
    /// </summary>
    public int PoisonAttempts { get; init; } = 5;

    /// <summary>
    /// The pause after a row's first permanent failure, doubling with each further one, so an operator fixing a cause
    /// (a missing topic, an ACL) has time before the row is given up. The rows behind it wait meanwhile. Default 1 s.
    /// </summary>
    public TimeSpan PoisonBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>When the relay stops trying the broker, and for how long.</summary>
    public OutboxBreakerOptions Breaker { get; init; } = new();

    /// <summary>The backlog the outbox may build up before <see cref="WhenBacklogExceeded"/> applies.</summary>
    public OutboxBacklogLimits Backlog { get; init; } = new();

    /// <summary>Keep buffering (default) or refuse new work once the backlog is over <see cref="Backlog"/>.</summary>
    public BrokerDownMode WhenBacklogExceeded { get; init; } = BrokerDownMode.Buffer;

    /// <summary>How often the relay refreshes the backlog figures its metrics, health check and limits use. Default 2 s.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Changes to the relay's producer config, after the application-wide <c>ConfigureProducer</c>. The relay starts
    /// from acks=all, idempotence on, <c>linger.ms=1</c>, <c>message.timeout.ms=0</c> (never give a record up: order
    /// per key survives an outage) and <c>reconnect.backoff.max.ms=1000</c> (drain soon after the broker returns).
    /// </summary>
    public Action<ProducerConfig>? ConfigureProducer { get; init; }
}

/// <summary>The relay's circuit breaker (Polly): opens when waits for the broker keep failing.</summary>
/// <remarks>
/// Opens when at least <see cref="MinimumThroughput"/> batch waits in <see cref="SamplingDuration"/> ran and
/// <see cref="FailureRatio"/> of them failed. While open, the relay publishes nothing and writes keep committing; it tries
/// again after <see cref="BreakDuration"/>, doubling after each failed try up to <see cref="MaxBreakDuration"/>, or at
/// once when the records it is waiting for get acknowledged.
/// </remarks>
public sealed record OutboxBreakerOptions
{
    /// <summary>Default 0.5.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Default 2 (at least 2, as Polly requires).</summary>
    public int MinimumThroughput { get; init; } = 2;

    /// <summary>Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first break. Default 2 s.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest break. Default 30 s.</summary>
    public TimeSpan MaxBreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Backlog limits: over either one, <see cref="OutboxRelayOptions.WhenBacklogExceeded"/> applies.</summary>
public sealed record OutboxBacklogLimits
{
    /// <summary>Rows waiting. Default 1,000,000.</summary>
    public long MaxRows { get; init; } = 1_000_000;

    /// <summary>Age of the oldest waiting row. Default 30 min.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(30);
}
