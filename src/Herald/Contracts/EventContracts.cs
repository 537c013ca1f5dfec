using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Herald.Contracts;

/// <summary>The contracts an application knows, by CLR type and by <c>event_type</c> name.</summary>
public sealed class EventContracts
{
    private readonly ConcurrentDictionary<Type, EventContract> _byType = new();
    private readonly ConcurrentDictionary<string, EventContract> _byName = new(StringComparer.Ordinal);
    private readonly ILogger? _logger;

    public EventContracts(ILogger<EventContracts>? logger = null)
    {
        _logger = logger;
    }

    /// <summary>The contract of <paramref name="type"/>, registering it on first use (and warning about non-past-tense names).</summary>
    public EventContract Get(Type type) => _byType.GetOrAdd(type, t =>
    {
        var contract = EventContract.For(t);
        if (!_byName.TryAdd(contract.EventType, contract) && _byName[contract.EventType].Type != t)
        {
            throw new InvalidOperationException($"event type '{contract.EventType}' is claimed by both {_byName[contract.EventType].Type.FullName} and {t.FullName}");
        }

        if (contract.NamingWarning is { } warning)
        {
            _logger?.LogWarning("{Warning}", warning);
        }

        return contract;
    });

    public EventContract Get<T>() => Get(typeof(T));

    /// <summary>The registered contract whose <c>event_type</c> is <paramref name="eventType"/>.</summary>
    public EventContract? Find(string eventType) => _byName.GetValueOrDefault(eventType);
}
