using System.Data.Common;
using Herald.Consuming;
using Herald.Outbox;
using Herald.Publishing;

namespace Herald.Sagas;

/// <summary>
/// What a saga handler can do besides changing its state: publish events, schedule and cancel timeouts — all written in
/// the handler's transaction, so they happen if and only if the step commits.
/// </summary>
public sealed class SagaContext
{
    private readonly SagaModel _model;
    private readonly IOutbox? _outbox;
    private readonly List<PendingPublish> _published = [];
    private readonly List<SagaTimeoutChange> _timeouts = [];

    internal SagaContext(SagaModel model, string sagaId, SagaTrigger trigger, DbTransaction transaction, IOutbox? outbox, IServiceProvider? services, DateTimeOffset now)
    {
        _model = model;
        _outbox = outbox;
        SagaId = sagaId;
        Trigger = trigger;
        Transaction = transaction;
        Services = services;
        Now = now;
    }

    /// <summary>The saga type's name.</summary>
    public string SagaType => _model.Name;

    /// <summary>The instance's id (its correlation value).</summary>
    public string SagaId { get; }

    /// <summary>The id of the event being handled; for a timeout, its token.</summary>
    public Guid EventId => Trigger.EventId;

    /// <summary>Whether the handler runs for a timeout the saga scheduled rather than a consumed event.</summary>
    public bool IsTimeout => Trigger.IsTimeout;

    /// <summary>The consumer's context of the event (envelope, topic, partition, offset, attempt); null for a timeout.</summary>
    public EventContext? Event => Trigger.Event;

    /// <summary>The connection of the step's transaction (the inbox database), for the handler's own writes.</summary>
    public DbConnection Connection => Transaction.Connection!;

    /// <summary>The step's transaction: state, history, timeouts, published events and the inbox row commit in it.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>The scope's services (null when the engine runs outside a host, e.g. in a test).</summary>
    public IServiceProvider? Services { get; }

    /// <summary>The time the step runs at (the store's clock).</summary>
    public DateTimeOffset Now { get; }

    internal SagaTrigger Trigger { get; }

    internal IReadOnlyList<PendingPublish> Published => _published;

    internal IReadOnlyList<SagaTimeoutChange> Timeouts => _timeouts;

    /// <summary>
    /// Publishes <paramref name="event"/> through the transactional outbox when the step is saved: same correlation id as
    /// the event being handled, which becomes its cause. It reaches the broker only if the step commits.
    /// </summary>
    /// <param name="event">The event (a registered contract).</param>
    /// <param name="topic">Overrides the contract's topic.</param>
    /// <exception cref="InvalidOperationException">No outbox is configured.</exception>
    public void Publish<TEvent>(TEvent @event, string? topic = null)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (_outbox is null)
        {
            throw new InvalidOperationException($"saga {SagaType} publishes {typeof(TEvent).Name} through the transactional outbox: configure one in AddHerald");
        }

        _published.Add(new PendingPublish(_model.EventNameOf(typeof(TEvent)), (outbox, transaction, context, cancellationToken) =>
            outbox.EnqueueAsync(@event, transaction, context with { Topic = topic }, cancellationToken)));
    }

    /// <summary>
    /// Schedules <paramref name="timeout"/> to be delivered to this instance after <paramref name="delay"/> (or the delay
    /// declared with <c>Timeout&lt;TTimeout&gt;(delay)</c>). A pending timeout of the same type is superseded: it is
    /// cancelled and will not fire. Returns the new timeout's token.
    /// </summary>
    /// <exception cref="SagaDefinitionException"><typeparamref name="TTimeout"/> is not declared with <c>Timeout&lt;TTimeout&gt;()</c>, or no delay is known.</exception>
    public Guid ScheduleTimeout<TTimeout>(TTimeout timeout, TimeSpan? delay = null)
        where TTimeout : notnull
    {
        ArgumentNullException.ThrowIfNull(timeout);
        var name = DeclaredTimeout<TTimeout>();
        var after = delay ?? _model.TimeoutDelays[typeof(TTimeout)]
            ?? throw new SagaDefinitionException($"saga {SagaType}: ScheduleTimeout({typeof(TTimeout).Name}) needs a delay, or declare one with Timeout<{typeof(TTimeout).Name}>(delay)");
        if (after < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), after, "a timeout's delay cannot be negative");
        }

        var token = Guid.CreateVersion7();
        _timeouts.Add(SagaTimeoutChange.Schedule(name, token, Now + after, SagaModel.SerializeEvent(timeout)));
        return token;
    }

    /// <summary>Cancels this instance's pending <typeparamref name="TTimeout"/>, if any (it will not fire).</summary>
    public void CancelTimeout<TTimeout>() => _timeouts.Add(SagaTimeoutChange.Cancel(DeclaredTimeout<TTimeout>()));

    /// <summary>The publish context of events this step emits: the trigger's correlation (or the instance's), the trigger as cause.</summary>
    internal PublishContext PublishContext(string? instanceCorrelation) =>
        new(Trigger.CorrelationId ?? instanceCorrelation ?? Trigger.EventId.ToString(), Trigger.EventId.ToString());

    private string DeclaredTimeout<TTimeout>() => _model.TimeoutDelays.ContainsKey(typeof(TTimeout))
        ? _model.EventNameOf(typeof(TTimeout))
        : throw new SagaDefinitionException($"saga {SagaType}: {typeof(TTimeout).Name} is not a declared timeout; declare it with Timeout<{typeof(TTimeout).Name}>()");

    /// <summary>An event to write to the outbox when the step is saved.</summary>
    internal sealed record PendingPublish(string EventType, Func<IOutbox, DbTransaction, PublishContext, CancellationToken, ValueTask<Guid>> Enqueue);
}
