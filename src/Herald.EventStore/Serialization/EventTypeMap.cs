using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.EventStore.Serialization;

/// <summary>
/// Maps event CLR types to stored type names and schema versions, turns events into <see cref="EventData"/>, and
/// reads stored events back — upcasting old schema versions step by step (n → n+1) before deserializing.
/// </summary>
public sealed class EventTypeMap
{
    private readonly Dictionary<Type, (string Name, int Version)> _byType = [];
    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, int FromVersion), Func<JsonObject, JsonObject>> _upcasters = [];

    /// <summary>The JSON options for payloads.</summary>
    public JsonSerializerOptions JsonOptions { get; init; } = new(JsonSerializerDefaults.Web);

    /// <summary>Registers <typeparamref name="TEvent"/> under <paramref name="name"/> (default: the type name) at schema <paramref name="version"/>.</summary>
    public EventTypeMap Map<TEvent>(string? name = null, int version = 1)
    {
        var typeName = name ?? typeof(TEvent).Name;
        _byType[typeof(TEvent)] = (typeName, version);
        _byName[typeName] = typeof(TEvent);
        return this;
    }

    /// <summary>Registers how to turn schema <paramref name="fromVersion"/> of <paramref name="eventType"/> into <c>fromVersion + 1</c>.</summary>
    public EventTypeMap Upcast(string eventType, int fromVersion, Func<JsonObject, JsonObject> upcast)
    {
        _upcasters[(eventType, fromVersion)] = upcast;
        return this;
    }

    /// <summary>Whether a stored event type name is mapped to a CLR type.</summary>
    public bool IsMapped(string eventType) => _byName.ContainsKey(eventType);

    /// <summary>Serializes <paramref name="event"/> for appending.</summary>
    public EventData ToEventData(object @event, Guid? eventId = null)
    {
        if (!_byType.TryGetValue(@event.GetType(), out var mapped))
        {
            throw new InvalidOperationException($"event type {@event.GetType().Name} is not mapped; call Map<{@event.GetType().Name}>()");
        }

        return new EventData(eventId ?? Guid.CreateVersion7(), mapped.Name, mapped.Version, JsonSerializer.SerializeToUtf8Bytes(@event, @event.GetType(), JsonOptions));
    }

    /// <summary>Reads a stored event as its current CLR type, upcasting from the stored schema version.</summary>
    /// <exception cref="CorruptEventException">The payload is not JSON, no upcaster bridges a version, or it does not fit the type.</exception>
    public object Deserialize(RecordedEvent recorded)
    {
        if (!_byName.TryGetValue(recorded.EventType, out var type))
        {
            throw new CorruptEventException(recorded.StreamId, recorded.StreamVersion, $"event type '{recorded.EventType}' is not mapped");
        }

        int target = _byType[type].Version;
        try
        {
            if (recorded.SchemaVersion == target)
            {
                return JsonSerializer.Deserialize(recorded.Data.Span, type, JsonOptions)
                    ?? throw new JsonException("the payload is JSON null");
            }

            var node = JsonNode.Parse(recorded.Data.Span) as JsonObject ?? throw new JsonException("the payload is not a JSON object");
            for (int version = recorded.SchemaVersion; version < target; version++)
            {
                if (!_upcasters.TryGetValue((recorded.EventType, version), out var upcast))
                {
                    throw new CorruptEventException(recorded.StreamId, recorded.StreamVersion,
                        $"'{recorded.EventType}' is stored at schema {recorded.SchemaVersion}, the code reads {target}, and no upcaster turns {version} into {version + 1}");
                }

                node = upcast(node);
            }

            return node.Deserialize(type, JsonOptions) ?? throw new JsonException("the upcast payload is JSON null");
        }
        catch (JsonException ex)
        {
            throw new CorruptEventException(recorded.StreamId, recorded.StreamVersion, $"cannot read '{recorded.EventType}': {ex.Message}", ex);
        }
    }
}
