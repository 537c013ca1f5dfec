using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Herald.Contracts;
using Herald.DeadLetters;

namespace Herald.Consuming;

/// <summary>A consumed record with its envelope and event, or the reason it cannot be handled.</summary>
internal sealed class DecodedRecord
{
    private DecodedRecord(ConsumeResult<string?, byte[]> record)
    {
        Record = record;
    }

    public ConsumeResult<string?, byte[]> Record { get; }

    public EventEnvelope? Envelope { get; private init; }

    /// <summary>What the record's attempts are counted under: its event id, or an id of its redrive (<see cref="AttemptKeys.Redrive"/>).</summary>
    public Guid AttemptKey { get; private init; }

    public EventContract? Contract { get; private init; }

    public object? Event { get; private init; }

    /// <summary>Non-null when the record goes straight to the dead-letter topic.</summary>
    public string? FailureReason { get; private init; }

    public string? FailureMessage { get; private init; }

    public string? FailureType { get; private init; }

    /// <summary>A known contract that this consumer does not handle: skipped, not an error.</summary>
    public bool NotForThisConsumer { get; private init; }

    public bool IsHandleable => FailureReason is null && !NotForThisConsumer;

    public static DecodedRecord Decode(ConsumeResult<string?, byte[]> record, EventContracts contracts, ConsumerRegistration registration)
    {
        var headers = record.Message.Headers;
        string? Header(string name) => headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

        var eventType = Header(EnvelopeHeaders.EventType);
        if (eventType is null || !Guid.TryParse(Header(EnvelopeHeaders.EventId), out var eventId))
        {
            return Fail(record, DeadLetterReasons.UnknownEvent, $"the record has no valid '{EnvelopeHeaders.EventType}'/'{EnvelopeHeaders.EventId}' headers; it was not published through a Herald envelope");
        }

        var contract = contracts.Find(eventType);
        if (contract is null)
        {
            return Fail(record, DeadLetterReasons.UnknownEvent, $"no contract is registered for event type '{eventType}'");
        }

        if (!registration.Handles(contract))
        {
            return new DecodedRecord(record) { NotForThisConsumer = true, Contract = contract };
        }

        var payload = record.Message.Value.AsSpan();
        if (payload.Length >= 5 && payload[0] == 0)
        {
            // Registry wire format: magic byte 0 and a 4-byte schema id before the JSON.
            payload = payload[5..];
        }

        object? @event;
        try
        {
            @event = JsonSerializer.Deserialize(payload, contract.Type, ContractSchema.DefaultSerializerOptions)
                ?? throw new JsonException("the payload is JSON null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException)
        {
            return new DecodedRecord(record)
            {
                FailureReason = DeadLetterReasons.DeserializationFailed,
                FailureType = ex.GetType().FullName,
                FailureMessage = $"cannot read the payload as {contract.Type.Name}: {ex.Message}",
                Contract = contract,
            };
        }

        int.TryParse(Header(EnvelopeHeaders.EventVersion), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version);
        DateTimeOffset.TryParse(Header(EnvelopeHeaders.OccurredAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var occurredAt);
        return new DecodedRecord(record)
        {
            Contract = contract,
            Event = @event,
            AttemptKey = Header(DeadLetterHeaders.RedrivenFrom) is { } redrivenFrom ? AttemptKeys.Redrive(eventId, redrivenFrom) : eventId,
            Envelope = new EventEnvelope(eventId, eventType, version, occurredAt, Header(EnvelopeHeaders.CorrelationId), Header(EnvelopeHeaders.CausationId), record.Message.Key),
        };
    }

    private static DecodedRecord Fail(ConsumeResult<string?, byte[]> record, string reason, string message) =>
        new(record) { FailureReason = reason, FailureMessage = message, FailureType = typeof(InvalidDataException).FullName };

    /// <summary>PII values of the event, to mask from every text that leaves the SDK.</summary>
    public IEnumerable<string> PiiValues => Event is not null && Contract is not null ? Contract.PiiValuesOf(Event) : [];
}
