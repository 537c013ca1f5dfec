using System.Data.Common;
using System.Diagnostics;
using Herald.Contracts;
using Herald.Publishing;

namespace Herald.Outbox;

/// <summary>
/// The <see cref="IOutbox"/>: builds the event's envelope exactly as <see cref="EventPublisher"/> would and writes it
/// to the <see cref="IOutboxStore"/> in the caller's transaction, then wakes the relay in this process.
/// </summary>
/// <remarks>
/// When the enqueue runs inside a trace (an ASP.NET Core request, a handler's process span), its <c>traceparent</c> is
/// stored with the row, so the consumer's span joins the trace that caused the event.
/// </remarks>
public sealed class TransactionalOutbox : IOutbox
{
    private readonly IOutboxStore _store;
    private readonly EnvelopeFactory _envelopes;
    private readonly OutboxRelay? _relay;

    /// <param name="store">Where rows are written; the transaction passed to <see cref="EnqueueAsync{TEvent}"/> must belong to its database.</param>
    /// <param name="options">Topics and topic rules, as for the publisher.</param>
    /// <param name="contracts">The application's contracts.</param>
    /// <param name="relay">The relay in this process, if any: woken after each enqueue, and the source of the backlog status for <see cref="BrokerDownMode.Reject"/>.</param>
    public TransactionalOutbox(IOutboxStore store, HeraldOptions options, EventContracts contracts, OutboxRelay? relay = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _envelopes = new EnvelopeFactory(options, contracts);
        _relay = relay;
    }

    public async ValueTask<Guid> EnqueueAsync<TEvent>(TEvent @event, DbTransaction transaction, PublishContext? context = null, CancellationToken cancellationToken = default)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(transaction);
        _relay?.ThrowIfBacklogExceeded();
        var outgoing = _envelopes.Create(@event, context);
        var headers = outgoing.Headers;
        if (Activity.Current is { } activity)
        {
            var traced = new List<KeyValuePair<string, string>>(headers);
            DistributedContextPropagator.Current.Inject(activity, traced, static (carrier, name, value) =>
            {
                if (carrier is List<KeyValuePair<string, string>> list && value is not null)
                {
                    list.RemoveAll(header => header.Key == name);
                    list.Add(new(name, value));
                }
            });
            headers = traced;
        }

        var message = new OutboxMessage(outgoing.EventId, outgoing.Topic, outgoing.Key, outgoing.Contract.EventType, outgoing.Payload, headers);
        await _store.InsertAsync(message, transaction, cancellationToken).ConfigureAwait(false);
        _relay?.Notify();
        return outgoing.EventId;
    }
}
