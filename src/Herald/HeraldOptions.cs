using Confluent.Kafka;
using Herald.Inbox;
using Herald.Outbox;
using Herald.Sagas;

namespace Herald;

/// <summary>How the SDK reaches the bus and the database, and how topics behave. Built with <see cref="HeraldOptionsBuilder"/>.</summary>
public sealed class HeraldOptions
{
    /// <summary>Kafka bootstrap servers (Herald or a Kafka cluster). Default <c>127.0.0.1:9092</c>.</summary>
    public string BootstrapServers { get; set; } = "127.0.0.1:9092";

    /// <summary>The inbox the consumer host de-duplicates with. Default: none (set with <c>UseSqlite</c> or <c>UseInbox</c>).</summary>
    public IInboxStore? Inbox { get; set; }

    /// <summary>
    /// The transactional outbox's store, in the same database as the inbox. Default: none (set with <c>UseSqlite</c>,
    /// <c>UsePostgreSql</c> or <c>UseOutbox</c>); when set, <c>AddHerald</c> registers <see cref="IOutbox"/> and the relay.
    /// </summary>
    public IOutboxStore? Outbox { get; set; }

    /// <summary>How the outbox relay publishes and what happens when the backlog grows. Default <see cref="OutboxRelayOptions.Default"/>.</summary>
    public OutboxRelayOptions OutboxRelay { get; set; } = OutboxRelayOptions.Default;

    /// <summary>
    /// Where sagas keep instances, history and timeouts: the inbox's database, so a step commits with the inbox row.
    /// Default: none; <c>UseSqlite</c> and <c>UsePostgreSql</c> set it with the inbox, <c>UseSagaStore</c> sets another.
    /// </summary>
    public ISagaStore? Sagas { get; set; }

    /// <summary>How often the saga timeout service looks for due timeouts. Default 1 s.</summary>
    public TimeSpan SagaTimeoutPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Topic for each contract type, when not given by <c>[EventContract(Topic = ...)]</c>.</summary>
    public Dictionary<Type, string> TopicsByContract { get; } = [];

    /// <summary>Per-topic behaviour.</summary>
    public Dictionary<string, TopicOptions> Topics { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How Herald's clients authenticate and encrypt: <c>security.protocol</c>, <c>sasl.*</c> and <c>ssl.*</c> settings, applied
    /// to every producer and consumer the SDK creates (the publisher, the consumer host, the outbox relay, and an event
    /// forwarder registered in the same container). Default empty: plaintext, no login. Set with
    /// <see cref="HeraldOptionsBuilder.Security"/>.
    /// </summary>
    /// <remarks>Applied before <see cref="ConfigureProducer"/> and <see cref="ConfigureConsumer"/>, which can still change it.</remarks>
    public ClientConfig Security { get; } = new();

    /// <summary>Changes to the producer config Herald uses (acks=all and idempotence are already on).</summary>
    public Action<ProducerConfig>? ConfigureProducer { get; set; }

    /// <summary>Changes to each consumer's config.</summary>
    public Action<ConsumerConfig>? ConfigureConsumer { get; set; }

    /// <summary>How long processed-event rows are kept; must outlast the longest retry window. Default 7 days.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    internal TopicOptions TopicOptionsFor(string topic) => Topics.GetValueOrDefault(topic) ?? TopicOptions.Default;

    /// <summary>Copies <see cref="Security"/> into <paramref name="config"/>.</summary>
    internal T ApplySecurity<T>(T config)
        where T : ClientConfig
    {
        foreach (var (key, value) in Security)
        {
            config.Set(key, value);
        }

        return config;
    }
}

/// <summary>Per-topic publishing rules.</summary>
public sealed record TopicOptions
{
    public static readonly TopicOptions Default = new();

    /// <summary>Events without a key may be published (round-robin partitions, no per-entity order).</summary>
    public bool AllowUnkeyed { get; init; }

    /// <summary>
    /// Hot-key spreading: when above 1, the key <c>k</c> becomes <c>k#b</c> with <c>b</c> in [0, N). Load of one hot entity spreads
    /// over up to N partitions — and its events are then <b>no longer ordered</b> relative to each other.
    /// </summary>
    public int HotKeyBuckets { get; init; } = 1;
}

/// <summary>The fluent way to fill <see cref="HeraldOptions"/>.</summary>
public sealed class HeraldOptionsBuilder
{
    internal HeraldOptions Options { get; } = new();

    public HeraldOptionsBuilder Bootstrap(string bootstrapServers)
    {
        Options.BootstrapServers = bootstrapServers;
        return this;
    }

    /// <summary>
    /// Uses the SQLite database <paramref name="connectionString"/> for the inbox, the transactional outbox and sagas (the
    /// default for a single service): handlers' writes, processed events, saga steps and outgoing events commit together.
    /// </summary>
    public HeraldOptionsBuilder UseSqlite(string connectionString) =>
        UseInbox(new SqliteInboxStore(connectionString)).UseOutbox(new SqliteOutboxStore(connectionString)).UseSagaStore(new SqliteSagaStore(connectionString));

    /// <summary>Uses any inbox store, e.g. PostgreSQL's.</summary>
    public HeraldOptionsBuilder UseInbox(IInboxStore inbox)
    {
        Options.Inbox = inbox;
        return this;
    }

    /// <summary>Uses <paramref name="store"/> for sagas; it must live in the inbox's database (steps write through the inbox transaction).</summary>
    public HeraldOptionsBuilder UseSagaStore(ISagaStore store)
    {
        Options.Sagas = store;
        return this;
    }

    /// <summary>How often the saga timeout service looks for due timeouts (default 1 s); a timeout fires at most this late.</summary>
    public HeraldOptionsBuilder SagaTimeoutPollInterval(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        Options.SagaTimeoutPollInterval = interval;
        return this;
    }

    /// <summary>Uses any outbox store (e.g. one with a table prefix); it must live in the database the application writes to.</summary>
    public HeraldOptionsBuilder UseOutbox(IOutboxStore outbox)
    {
        Options.Outbox = outbox;
        return this;
    }

    /// <summary>Configures the outbox relay, e.g. <c>r =&gt; r with { WhenBacklogExceeded = BrokerDownMode.Reject }</c>.</summary>
    public HeraldOptionsBuilder Outbox(Func<OutboxRelayOptions, OutboxRelayOptions> configure)
    {
        Options.OutboxRelay = configure(Options.OutboxRelay);
        return this;
    }

    /// <summary>Publishes <typeparamref name="TEvent"/> to <paramref name="topic"/>.</summary>
    public HeraldOptionsBuilder Topic<TEvent>(string topic)
    {
        Options.TopicsByContract[typeof(TEvent)] = topic;
        return this;
    }

    /// <summary>Configures a topic, e.g. <c>t =&gt; t with { AllowUnkeyed = true }</c>.</summary>
    public HeraldOptionsBuilder ConfigureTopic(string topic, Func<TopicOptions, TopicOptions> configure)
    {
        Options.Topics[topic] = configure(Options.TopicOptionsFor(topic));
        return this;
    }

    /// <summary>
    /// Sets how every producer and consumer of the SDK logs in and encrypts, with the same settings as any Confluent.Kafka
    /// client, e.g. <c>o.Security(c =&gt; { c.SecurityProtocol = SecurityProtocol.SaslPlaintext; c.SaslMechanism =
    /// SaslMechanism.ScramSha256; c.SaslUsername = "orders"; c.SaslPassword = password; })</c>.
    /// </summary>
    /// <remarks>Against <c>herald serve --auth</c> or a Kafka cluster with SASL; see <c>docs/security.md</c>.</remarks>
    public HeraldOptionsBuilder Security(Action<ClientConfig> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options.Security);
        return this;
    }

    public HeraldOptionsBuilder ConfigureProducer(Action<ProducerConfig> configure)
    {
        Options.ConfigureProducer += configure;
        return this;
    }

    public HeraldOptionsBuilder ConfigureConsumer(Action<ConsumerConfig> configure)
    {
        Options.ConfigureConsumer += configure;
        return this;
    }
}
