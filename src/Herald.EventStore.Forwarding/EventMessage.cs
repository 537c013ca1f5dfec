using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Herald.Contracts;

namespace Herald.EventStore.Forwarding;

/// <summary>Turns a stored event into the Kafka record the forwarder and the replayer publish.</summary>
internal static class EventMessage
{
    // Metadata spellings accepted for correlation and causation: the SDK's header names, camelCase, EventStoreDB's.
    private static readonly string[] CorrelationKeys = [EnvelopeHeaders.CorrelationId, "correlationId", "$correlationId"];
    private static readonly string[] CausationKeys = [EnvelopeHeaders.CausationId, "causationId", "$causationId"];

    /// <summary>Keyed by stream id, so one stream's events share a partition and keep their order.</summary>
    public static Message<string, byte[]> From(RecordedEvent recorded)
    {
        var headers = new Headers
        {
            // The stored id, not a new one: a re-forwarded event is the same event, and Herald's inbox de-duplicates on it.
            { EnvelopeHeaders.EventId, Utf8(recorded.EventId.ToString("D", CultureInfo.InvariantCulture)) },
            { EnvelopeHeaders.EventType, Utf8(recorded.EventType) },
            { EnvelopeHeaders.EventVersion, Utf8(recorded.SchemaVersion.ToString(CultureInfo.InvariantCulture)) },
            { EnvelopeHeaders.OccurredAt, Utf8(recorded.RecordedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)) },
        };
        var (correlation, causation) = ReadMetadata(recorded.Metadata);
        if (correlation is not null)
        {
            headers.Add(EnvelopeHeaders.CorrelationId, Utf8(correlation));
        }

        if (causation is not null)
        {
            headers.Add(EnvelopeHeaders.CausationId, Utf8(causation));
        }

        headers.Add(ForwardingHeaders.StreamId, Utf8(recorded.StreamId));
        headers.Add(ForwardingHeaders.StreamVersion, Utf8(recorded.StreamVersion.ToString(CultureInfo.InvariantCulture)));
        headers.Add(ForwardingHeaders.GlobalPosition, Utf8(recorded.GlobalPosition.ToString(CultureInfo.InvariantCulture)));
        return new Message<string, byte[]> { Key = recorded.StreamId, Value = recorded.Data.ToArray(), Headers = headers };
    }

    /// <summary>Correlation and causation ids from the event's JSON metadata, when it has them as strings.</summary>
    private static (string? Correlation, string? Causation) ReadMetadata(ReadOnlyMemory<byte>? metadata)
    {
        if (metadata is not { Length: > 0 } bytes)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            return (Find(document.RootElement, CorrelationKeys), Find(document.RootElement, CausationKeys));
        }
        catch (JsonException)
        {
            // Metadata is free-form; an event whose metadata is not JSON is still forwarded, just without these headers.
            return (null, null);
        }
    }

    private static string? Find(JsonElement root, string[] keys)
    {
        foreach (var key in keys)
        {
            if (root.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
