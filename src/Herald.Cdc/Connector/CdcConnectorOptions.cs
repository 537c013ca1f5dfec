using Confluent.Kafka;
using Herald.Cdc.Transforms;

namespace Herald.Cdc.Connector;

/// <summary>What to capture, where to publish it and how (the Debezium PostgreSQL connector's main settings).</summary>
/// <remarks>
/// Defaults follow Debezium: initial snapshot, tombstones after deletes (through <see cref="EnvelopeTransform"/>),
/// topics <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;</c>. The slot and publication default to
/// <c>herald_&lt;prefix&gt;</c> so two connectors with different prefixes never share one.
/// </remarks>
public sealed record CdcConnectorOptions
{
    /// <summary>Npgsql connection string of the source database (the role needs REPLICATION or superuser).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Tables to capture, as <c>schema.table</c> (a bare name means <c>public</c>).</summary>
    public required IReadOnlyList<string> Tables { get; init; }

    /// <summary>Debezium's <c>topic.prefix</c>: the logical server name, first part of every topic and <c>source.name</c>.</summary>
    public required string TopicPrefix { get; init; }

    /// <summary>Broker addresses, <c>HOST:PORT[,HOST:PORT]</c>. Default <c>127.0.0.1:9092</c>.</summary>
    public string BootstrapServers { get; init; } = "127.0.0.1:9092";

    /// <summary>The replication slot; default <c>herald_&lt;prefix&gt;</c> (lower-cased, non-alphanumerics as <c>_</c>).</summary>
    public string? SlotName { get; init; }

    /// <summary>The publication; default the slot name.</summary>
    public string? PublicationName { get; init; }

    /// <summary>Whether to read existing rows (<c>op: r</c>) before streaming when the slot is new. Default true (<c>snapshot.mode=initial</c>).</summary>
    public bool InitialSnapshot { get; init; } = true;

    /// <summary>
    /// The table recording snapshot completion and the last processed LSN per slot, created in the source database
    /// when missing. Default <c>public.herald_cdc_state</c>.
    /// </summary>
    public string StateTable { get; init; } = "public.herald_cdc_state";

    /// <summary>Turns each change into records; default <see cref="EnvelopeTransform"/> (envelope + tombstone, schemas off).</summary>
    public IChangeTransform? Transform { get; init; }

    /// <summary>How often the slot's confirmed position is reported to the server. Default 1 s.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Adjusts the producer's settings (acks=all and idempotence are set first and should stay on).</summary>
    public Action<ProducerConfig>? ConfigureProducer { get; init; }

    /// <summary>The slot name in effect.</summary>
    public string EffectiveSlotName => SlotName ?? DefaultSlotName(TopicPrefix);

    /// <summary>The slot name used for <paramref name="topicPrefix"/> when none is given: <c>herald_&lt;prefix&gt;</c>.</summary>
    /// <param name="topicPrefix">The topic prefix.</param>
    public static string DefaultSlotName(string topicPrefix)
    {
        ArgumentNullException.ThrowIfNull(topicPrefix);

        // Slot names allow only lower-case letters, digits and underscores.
        return "herald_" + new string(topicPrefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
    }

    /// <summary>The publication name in effect.</summary>
    public string EffectivePublicationName => PublicationName ?? EffectiveSlotName;
}
