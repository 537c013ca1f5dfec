using System.Data.Common;
using Herald.Outbox;
using Microsoft.Extensions.Logging;

namespace Herald.Sagas;

/// <summary>
/// Runs saga steps inside a transaction the caller owns (the inbox transaction of a consumed event, or the timeout
/// service's): finds the instance, applies the policies, runs the handler, and saves state, history, timeouts and the
/// events it publishes through the same transaction. The caller commits.
/// </summary>
internal sealed partial class SagaEngine
{
    private readonly ISagaStore _store;
    private readonly SagaMetrics _metrics;
    private readonly ILogger _logger;

    public SagaEngine(ISagaStore store, SagaMetrics metrics, ILogger<SagaEngine> logger)
    {
        _store = store;
        _metrics = metrics;
        _logger = logger;
    }

    public ISagaStore Store => _store;

    /// <summary>Handles a consumed event for <paramref name="definition"/>.</summary>
    public async Task<SagaOutcome> HandleAsync(SagaDefinition definition, object @event, SagaTrigger trigger, DbTransaction transaction, IOutbox? outbox, IServiceProvider? services, CancellationToken cancellationToken)
    {
        var model = definition.Model;
        var eventType = @event.GetType();
        var eventName = model.EventNameOf(eventType);
        var id = model.CorrelationIdOf(@event) ?? throw new SagaCorrelationException(model.Name, eventName);
        var record = await _store.LoadAsync(transaction, model.Name, id, cancellationToken).ConfigureAwait(false);
        var step = new Step(model, id, @event, eventName, trigger, transaction, outbox, services, FiredTimeout: null);
        if (record is not null)
        {
            return await ContinueAsync(step, record, cancellationToken).ConfigureAwait(false);
        }

        if (model.StartFor(eventType) is { } start)
        {
            var state = model.NewState(id, Now);
            return await RunAsync(step, start, state, record: null, cancellationToken).ConfigureAwait(false);
        }

        var policy = model.MissingFor(eventType);
        if (policy != Missing.Discard)
        {
            throw new SagaInstanceNotFoundException(model.Name, id, eventName, policy);
        }

        LogDiscarded(model.Name, id, eventName, trigger.EventId);
        return Count(model, SagaOutcome.Discarded);
    }

    /// <summary>Delivers timeout <paramref name="token"/> to its instance, unless it is stale by now.</summary>
    public async Task<SagaOutcome> FireTimeoutAsync(SagaDefinition definition, Guid token, DbTransaction transaction, IOutbox? outbox, IServiceProvider? services, CancellationToken cancellationToken)
    {
        var model = definition.Model;
        var timeout = await _store.FindTimeoutAsync(transaction, token, cancellationToken).ConfigureAwait(false);
        if (timeout is null || !timeout.IsPending || timeout.Type != model.Name)
        {
            // Cancelled or superseded after it was found due, or fired by another process: the guard MassTransit's token check is.
            LogStaleTimeout(model.Name, token);
            return Count(model, SagaOutcome.Stale);
        }

        var record = await _store.LoadAsync(transaction, model.Name, timeout.Id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            await _store.CancelTimeoutAsync(transaction, token, cancellationToken).ConfigureAwait(false);
            LogStaleTimeout(model.Name, token);
            return Count(model, SagaOutcome.Stale);
        }

        if (!model.TimeoutTypesByName.TryGetValue(timeout.TimeoutType, out var type))
        {
            throw new SagaDefinitionException($"saga {model.Name} no longer declares timeout {timeout.TimeoutType} (token {token}); declare it with Timeout<{timeout.TimeoutType}>() or cancel it");
        }

        var @event = SagaModel.DeserializeEvent(timeout.Payload, type);
        var step = new Step(model, timeout.Id, @event, timeout.TimeoutType, SagaTrigger.Timeout(token, record.CorrelationId), transaction, outbox, services, token);
        return await ContinueAsync(step, record, cancellationToken).ConfigureAwait(false);
    }

    private DateTimeOffset Now => _store.TimeProvider.GetUtcNow();

    /// <summary>An event or timeout for an existing instance.</summary>
    private async Task<SagaOutcome> ContinueAsync(Step step, SagaRecord record, CancellationToken cancellationToken)
    {
        var model = step.Model;
        if (await _store.HasHandledAsync(step.Transaction, model.Name, step.Id, step.Trigger.EventId, cancellationToken).ConfigureAwait(false))
        {
            await SaveFiredOnlyAsync(step, cancellationToken).ConfigureAwait(false);
            LogDuplicate(model.Name, step.Id, step.EventName, step.Trigger.EventId);
            return Count(model, SagaOutcome.Duplicate);
        }

        var eventType = step.Event.GetType();
        if (model.TransitionFor(record.Step, eventType) is { } transition)
        {
            return await RunAsync(step, transition, model.Load(record), record, cancellationToken).ConfigureAwait(false);
        }

        if (model.Ignores(record.Step, eventType))
        {
            await SaveFiredOnlyAsync(step, cancellationToken).ConfigureAwait(false);
            return Count(model, SagaOutcome.Dropped);
        }

        var final = model.IsFinal(record.Step);
        if (!final && !step.Trigger.IsTimeout && model.UnexpectedFor(eventType) == Unexpected.Retry)
        {
            throw new UnexpectedSagaEventException(model.Name, step.Id, record.Step, step.EventName);
        }

        var kind = final ? SagaHistoryKind.Late : SagaHistoryKind.Ignored;
        await _store.SaveAsync(step.Transaction, new SagaChange(model.Name, step.Id)
        {
            History = step.Entry(Now, kind, record.Step, record.Step, dataBefore: null, dataAfter: null, emitted: []),
            FiredTimeout = step.FiredTimeout,
        }, cancellationToken).ConfigureAwait(false);
        return Count(model, final ? SagaOutcome.Late : SagaOutcome.Ignored);
    }

    /// <summary>Runs a transition's handler and saves what it did.</summary>
    private async Task<SagaOutcome> RunAsync(Step step, SagaTransitionModel transition, object state, SagaRecord? record, CancellationToken cancellationToken)
    {
        var model = step.Model;
        var now = Now;
        var context = new SagaContext(model, step.Id, step.Trigger, step.Transaction, step.Outbox, step.Services, now);
        var to = await transition.Handler(state, step.Event, context, cancellationToken).ConfigureAwait(false);
        if (!transition.To.Contains(to))
        {
            var where = record is null ? $"StartedBy<{transition.EventType.Name}>" : $"During({record.Step}).On<{transition.EventType.Name}>";
            throw new SagaDefinitionException($"saga {model.Name}: {where} returned step {to}, which it does not declare (.To({string.Join(", ", transition.To.Order(StringComparer.Ordinal))}))");
        }

        var emitted = new List<SagaEmission>();
        foreach (var publish in context.Published)
        {
            // Published is non-empty only when the context had an outbox.
            var eventId = await publish.Enqueue(step.Outbox!, step.Transaction, context.PublishContext(record?.CorrelationId), cancellationToken).ConfigureAwait(false);
            emitted.Add(new SagaEmission(SagaEmissionKind.Event, publish.EventType, eventId));
        }

        var timeouts = new List<SagaTimeoutChange>(context.Timeouts);
        emitted.AddRange(timeouts.Select(t => t.Action == SagaTimeoutAction.Schedule
            ? new SagaEmission(SagaEmissionKind.TimeoutScheduled, t.TimeoutType, t.Token, t.DueAt)
            : new SagaEmission(SagaEmissionKind.TimeoutCancelled, t.TimeoutType)));
        var completed = model.IsFinal(to);
        if (completed)
        {
            // A completed instance has nothing left to wait for.
            timeouts.Add(SagaTimeoutChange.CancelAll());
        }

        var data = model.Serialize(state);
        var kind = transition.Compensates ? SagaHistoryKind.Compensation
            : record is null ? SagaHistoryKind.Start
            : step.Trigger.IsTimeout ? SagaHistoryKind.Timeout
            : SagaHistoryKind.Event;
        var correlation = record is null ? step.Trigger.CorrelationId ?? step.Trigger.EventId.ToString() : record.CorrelationId;
        var expectedVersion = record?.Version ?? 0;
        await _store.SaveAsync(step.Transaction, new SagaChange(model.Name, step.Id)
        {
            State = new SagaStateChange(to, data, expectedVersion, correlation, completed, model.ExpectedEvents(to)),
            History = step.Entry(now, kind, record?.Step, to, record?.Data, data, emitted),
            Timeouts = timeouts,
            FiredTimeout = step.FiredTimeout,
        }, cancellationToken).ConfigureAwait(false);
        model.Stamp(state, to, expectedVersion + 1, now);
        return Count(model, transition.Compensates ? SagaOutcome.Compensated : record is null ? SagaOutcome.Started : SagaOutcome.Transitioned);
    }

    /// <summary>A timeout that changes nothing is still marked fired, so it is not delivered again.</summary>
    private Task SaveFiredOnlyAsync(Step step, CancellationToken cancellationToken) =>
        step.FiredTimeout is null
            ? Task.CompletedTask
            : _store.SaveAsync(step.Transaction, new SagaChange(step.Model.Name, step.Id) { FiredTimeout = step.FiredTimeout }, cancellationToken);

    private SagaOutcome Count(SagaModel model, SagaOutcome outcome)
    {
        _metrics.OnStep(model.Name, outcome);
        return outcome;
    }

    [LoggerMessage(LogLevel.Information, "Saga {SagaType}: no instance '{SagaId}' for {EventType} {EventId}; discarded (OnMissingInstance policy Discard)")]
    private partial void LogDiscarded(string sagaType, string sagaId, string eventType, Guid eventId);

    [LoggerMessage(LogLevel.Debug, "Saga {SagaType} '{SagaId}' already handled {EventType} {EventId}; skipped")]
    private partial void LogDuplicate(string sagaType, string sagaId, string eventType, Guid eventId);

    [LoggerMessage(LogLevel.Debug, "Saga {SagaType}: timeout {Token} is no longer pending (cancelled, superseded, fired, or its instance is gone); dropped")]
    private partial void LogStaleTimeout(string sagaType, Guid token);

    /// <summary>One event or timeout on its way through the engine.</summary>
    private sealed record Step(SagaModel Model, string Id, object Event, string EventName, SagaTrigger Trigger, DbTransaction Transaction, IOutbox? Outbox, IServiceProvider? Services, Guid? FiredTimeout)
    {
        public SagaHistoryEntry Entry(DateTimeOffset at, SagaHistoryKind kind, string? from, string to, string? dataBefore, string? dataAfter, IReadOnlyList<SagaEmission> emitted) =>
            new(0, at, kind, EventName, Trigger.EventId, Trigger.CausationId, Trigger.Event?.Topic, Trigger.Event?.Partition, Trigger.Event?.Offset, from, to, dataBefore, dataAfter, emitted);
    }
}
