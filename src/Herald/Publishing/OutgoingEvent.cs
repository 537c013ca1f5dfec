using System.Text;
using Confluent.Kafka;
using Herald.Contracts;

namespace Herald.Publishing;

/// <summary>
/// One event ready to leave the process: its id, topic, key, envelope headers and JSON payload, built once by
/// <see cref="EnvelopeFactory"/> for both the direct publisher and the transactional outbox.
/// </summary>
/// <param name="EventId">A new UUIDv7.</param>
/// <param name="Topic">The contract's or the context's topic.</param>
/// <param name="Key">The partition key, after hot-key spreading; null on unkeyed topics.</param>
/// <param name="Contract">The event's contract.</param>
/// <param name="CorrelationId">The flow's correlation id (the event id when the context had none).</param>
/// <param name="Headers">The envelope headers (<see cref="EnvelopeHeaders"/>) as UTF-8 text, in the order they are written.</param>
/// <param name="Payload">The JSON value.</param>
internal sealed record OutgoingEvent(
    Guid EventId,
    string Topic,
    string? Key,
    EventContract Contract,
    string CorrelationId,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Payload)
{
    /// <summary>The envelope as Confluent.Kafka record headers.</summary>
    public Headers ToKafkaHeaders()
    {
        var headers = new Headers();
        foreach (var (name, value) in Headers)
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }

        return headers;
    }
}
