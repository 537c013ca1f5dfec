using Herald.Consuming;
using Microsoft.Extensions.Logging;
using Orders.Contracts;
using Orders.Services.Hosting;

namespace Orders.Services.Payments;

/// <summary>
/// The payment service's two steps: charge an order once, refund it once when it is cancelled. Each runs in the inbox
/// transaction, so the payment row, the ledger entry and the event it publishes (through the outbox) commit together.
/// </summary>
/// <remarks>
/// The inbox drops a redelivered event, but a second <em>different</em> request for the same order must not charge twice
/// either: the <c>payments</c> row (one per order) is the idempotency key. A cancellation that overtakes the charge
/// leaves a <c>voided</c> tombstone, so a late request is never charged.
/// </remarks>
public sealed partial class PaymentHandlers(PaymentOptions options, ILogger<PaymentHandlers> logger) :
    IEventHandler<PaymentRequested>, IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(PaymentRequested @event, EventContext context, CancellationToken cancellationToken)
    {
        var existing = await PaymentTables.FindAsync(context, @event.OrderId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            // Charged already (its PaymentCompleted left with that charge), declined, or cancelled first: nothing to do.
            LogAlreadyDone(@event.OrderId, existing.Status);
            return;
        }

        if (@event.Amount > options.DeclineOver)
        {
            await PaymentTables.InsertAsync(context, @event.OrderId, null, @event.Amount, PaymentStatus.Declined, cancellationToken).ConfigureAwait(false);
            await context.PublishAsync(new PaymentFailed(@event.OrderId, $"card declined: {@event.Amount} is over the {options.DeclineOver} limit"), cancellationToken: cancellationToken).ConfigureAwait(false);
            LogDeclined(@event.OrderId, @event.Amount);
            return;
        }

        // Stands in for the payment gateway's latency; drills use it to kill the service in the middle of its work.
        if (options.ChargeDelay > TimeSpan.Zero)
        {
            await Task.Delay(options.ChargeDelay, cancellationToken).ConfigureAwait(false);
        }

        var paymentId = "pay-" + Guid.CreateVersion7().ToString("N")[..16];
        await PaymentTables.InsertAsync(context, @event.OrderId, paymentId, @event.Amount, PaymentStatus.Charged, cancellationToken).ConfigureAwait(false);
        await PaymentTables.AppendLedgerAsync(context, @event.OrderId, paymentId, LedgerEntry.Charge, @event.Amount, cancellationToken).ConfigureAwait(false);
        await context.PublishAsync(new PaymentCompleted(@event.OrderId, paymentId, @event.Amount), cancellationToken: cancellationToken).ConfigureAwait(false);
        LogCharged(@event.OrderId, paymentId, @event.Amount);
    }

    public async Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        var existing = await PaymentTables.FindAsync(context, @event.OrderId, cancellationToken).ConfigureAwait(false);
        switch (existing?.Status)
        {
            case null:
                // The cancellation came before any charge: remember it so a late PaymentRequested is not charged.
                await PaymentTables.InsertAsync(context, @event.OrderId, null, 0m, PaymentStatus.Voided, cancellationToken).ConfigureAwait(false);
                LogVoided(@event.OrderId);
                break;
            case PaymentStatus.Charged:
                await PaymentTables.SetStatusAsync(context, @event.OrderId, PaymentStatus.Refunded, cancellationToken).ConfigureAwait(false);
                await PaymentTables.AppendLedgerAsync(context, @event.OrderId, existing.PaymentId!, LedgerEntry.Refund, -existing.Amount, cancellationToken).ConfigureAwait(false);
                await context.PublishAsync(new PaymentRefunded(@event.OrderId, existing.PaymentId!, existing.Amount), cancellationToken: cancellationToken).ConfigureAwait(false);
                LogRefunded(@event.OrderId, existing.PaymentId!, existing.Amount);
                break;
            default:
                // Refunded, declined or voided already: a refund is never paid twice.
                LogAlreadyDone(@event.OrderId, existing.Status);
                break;
        }
    }

    [LoggerMessage(LogLevel.Information, "charged order {OrderId}: {PaymentId}, {Amount}")]
    private partial void LogCharged(Guid orderId, string paymentId, decimal amount);

    [LoggerMessage(LogLevel.Information, "declined order {OrderId}: {Amount} is over the limit")]
    private partial void LogDeclined(Guid orderId, decimal amount);

    [LoggerMessage(LogLevel.Information, "refunded order {OrderId}: {PaymentId}, {Amount}")]
    private partial void LogRefunded(Guid orderId, string paymentId, decimal amount);

    [LoggerMessage(LogLevel.Information, "voided order {OrderId}: cancelled before it was charged")]
    private partial void LogVoided(Guid orderId);

    [LoggerMessage(LogLevel.Information, "order {OrderId} is {Status} already: nothing to do")]
    private partial void LogAlreadyDone(Guid orderId, string status);
}
