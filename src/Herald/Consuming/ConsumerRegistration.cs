using System.Reflection;
using Herald.Contracts;

namespace Herald.Consuming;

/// <summary>One consumer the host runs: a handler class, the topic it reads and the group it reads in.</summary>
public sealed class ConsumerRegistration
{
    internal ConsumerRegistration(Type handlerType, string topic, string group)
    {
        HandlerType = handlerType;
        Topic = topic;
        Group = group;
        EventTypes = handlerType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEventHandler<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToList();
        if (EventTypes.Count == 0)
        {
            throw new ArgumentException($"{handlerType.Name} implements no IEventHandler<TEvent>", nameof(handlerType));
        }

        Name = handlerType.Name;
    }

    /// <summary>
    /// A consumer whose handler is not an <see cref="IEventHandler{TEvent}"/> (a saga): <paramref name="invoker"/> runs every
    /// event of <paramref name="eventTypes"/> on the <paramref name="handlerType"/> instance resolved from the scope.
    /// </summary>
    internal ConsumerRegistration(string name, Type handlerType, string topic, string group, IReadOnlyList<Type> eventTypes, Func<object, object, EventContext, CancellationToken, Task> invoker)
    {
        if (eventTypes.Count == 0)
        {
            throw new ArgumentException($"{name} consumes no event types", nameof(eventTypes));
        }

        Name = name;
        HandlerType = handlerType;
        Topic = topic;
        Group = group;
        EventTypes = eventTypes;
        _invoker = invoker;
    }

    public Type HandlerType { get; }

    public string Topic { get; }

    public string Group { get; }

    /// <summary>The event contracts the handler implements <see cref="IEventHandler{TEvent}"/> for.</summary>
    public IReadOnlyList<Type> EventTypes { get; }

    public RetryPolicy Retry { get; set; } = new();

    /// <summary>Events of one partition handled in one inbox transaction when all succeed (falls back to one by one on failure). Default 500.</summary>
    public int BatchSize { get; set; } = 500;

    private readonly Dictionary<Type, Func<object, object, EventContext, CancellationToken, Task>> _invokers = [];
    private readonly Func<object, object, EventContext, CancellationToken, Task>? _invoker;

    /// <summary>What logs call the consumer: the handler class, or e.g. <c>saga order-fulfilment</c>.</summary>
    internal string Name { get; }

    /// <summary>Run once before the consumer polls, after the inbox tables exist (e.g. creating a saga's tables).</summary>
    internal Func<HeraldOptions, CancellationToken, Task>? Prepare { get; init; }

    /// <summary>Calls the handler's <c>HandleAsync</c> for <paramref name="eventType"/> through a delegate built once per type.</summary>
    internal Task Invoke(object handler, Type eventType, object @event, EventContext context, CancellationToken cancellationToken)
    {
        if (_invoker is not null)
        {
            return _invoker(handler, @event, context, cancellationToken);
        }

        Func<object, object, EventContext, CancellationToken, Task>? invoker;
        lock (_invokers)
        {
            if (!_invokers.TryGetValue(eventType, out invoker))
            {
                invoker = typeof(ConsumerRegistration).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(eventType)
                    .CreateDelegate<Func<object, object, EventContext, CancellationToken, Task>>();
                _invokers[eventType] = invoker;
            }
        }

        return invoker(handler, @event, context, cancellationToken);
    }

    private static Task InvokeTyped<TEvent>(object handler, object @event, EventContext context, CancellationToken cancellationToken) =>
        ((IEventHandler<TEvent>)handler).HandleAsync((TEvent)@event, context, cancellationToken);

    internal bool Handles(EventContract contract) => EventTypes.Contains(contract.Type);
}

/// <summary>Fluent settings of one consumer.</summary>
public sealed class ConsumerBuilder
{
    private readonly ConsumerRegistration _registration;

    internal ConsumerBuilder(ConsumerRegistration registration) => _registration = registration;

    public ConsumerBuilder Retry(RetryPolicy policy)
    {
        _registration.Retry = policy;
        return this;
    }

    public ConsumerBuilder BatchSize(int events)
    {
        _registration.BatchSize = Math.Max(1, events);
        return this;
    }
}
