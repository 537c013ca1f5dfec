using System.Globalization;
using System.Reflection;

namespace Herald.Contracts;

/// <summary>What Herald knows about one event type: its wire name, version, key, topic and PII fields.</summary>
public sealed class EventContract
{
    private readonly Func<object, object?>? _key;
    private readonly PropertyInfo[] _pii;

    private EventContract(Type type)
    {
        Type = type;
        var attribute = type.GetCustomAttribute<EventContractAttribute>();
        EventType = attribute?.Name ?? type.Name;
        Version = attribute?.Version ?? 1;
        Topic = attribute?.Topic;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters()).ToList();
        bool Marked<TAttribute>(PropertyInfo p)
            where TAttribute : Attribute =>
            p.GetCustomAttribute<TAttribute>() is not null
            || parameters.Any(a => string.Equals(a.Name, p.Name, StringComparison.OrdinalIgnoreCase) && a.GetCustomAttribute<TAttribute>() is not null);

        var keys = properties.Where(Marked<PartitionKeyAttribute>).ToList();
        if (keys.Count > 1)
        {
            throw new InvalidOperationException($"event contract {type.Name} marks {keys.Count} properties with [PartitionKey]; an event has one key");
        }

        if (keys.Count == 1)
        {
            KeyProperty = keys[0].Name;
            var getter = keys[0];
            _key = e => getter.GetValue(e);
        }

        _pii = [.. properties.Where(Marked<PiiAttribute>)];
        PiiProperties = [.. _pii.Select(p => p.Name)];
        IsPastTense = PastTense.IsPastTense(type.Name);
    }

    public Type Type { get; }

    /// <summary>The <c>event_type</c> header value.</summary>
    public string EventType { get; }

    /// <summary>The <c>event_version</c> header value.</summary>
    public int Version { get; }

    /// <summary>The topic from <see cref="EventContractAttribute.Topic"/>, if any.</summary>
    public string? Topic { get; }

    /// <summary>The name of the <see cref="PartitionKeyAttribute"/> property, or null for an unkeyed contract.</summary>
    public string? KeyProperty { get; }

    /// <summary>Names of the properties marked <see cref="PiiAttribute"/>.</summary>
    public IReadOnlyList<string> PiiProperties { get; }

    /// <summary>Whether the type name reads as a fact that happened (the seed: <c>OrderCreated</c>, not <c>CreateOrder</c>).</summary>
    public bool IsPastTense { get; }

    /// <summary>The warning to log when <see cref="IsPastTense"/> is false.</summary>
    public string? NamingWarning => IsPastTense ? null
        : $"Event contract '{Type.Name}' does not read as a past-tense fact. Events record what happened (OrderCreated, PaymentCompleted); a name like '{Type.Name}' reads as a command, which belongs in a request, not on the event bus.";

    /// <summary>The partition key of <paramref name="event"/>, or null when the contract has none or the value is null.</summary>
    public string? KeyOf(object @event) => _key?.Invoke(@event) switch
    {
        null => null,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var value => value.ToString(),
    };

    /// <summary>The non-empty string forms of <paramref name="event"/>'s PII values, to mask wherever text leaves the SDK.</summary>
    public IEnumerable<string> PiiValuesOf(object @event)
    {
        foreach (var property in _pii)
        {
            if (property.GetValue(@event) is { } value && Convert.ToString(value, CultureInfo.InvariantCulture) is { Length: > 0 } text)
            {
                yield return text;
            }
        }
    }

    internal static EventContract For(Type type) => new(type);
}
