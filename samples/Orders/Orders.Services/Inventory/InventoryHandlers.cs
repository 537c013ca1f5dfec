using Herald.Consuming;
using Microsoft.Extensions.Logging;
using Orders.Contracts;

namespace Orders.Services.Inventory;

/// <summary>
/// The inventory service's two steps: reserve an order's lines (all or nothing), and put them back when the order is
/// cancelled. Both run in the inbox transaction, so stock, the reservation row and the event they publish commit together.
/// </summary>
/// <remarks>
/// One <c>reservations</c> row per order makes both steps idempotent; a cancellation that arrives first leaves a
/// <c>voided</c> tombstone so a late reservation request reserves nothing.
/// </remarks>
public sealed partial class InventoryHandlers(InventoryOptions options, ILogger<InventoryHandlers> logger) :
    IEventHandler<InventoryReserveRequested>, IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(InventoryReserveRequested @event, EventContext context, CancellationToken cancellationToken)
    {
        if (await InventoryTables.FindAsync(context, @event.OrderId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            LogAlreadyDone(@event.OrderId, existing.Status);
            return;
        }

        var shortage = options.FailEveryReservation
            ? "the inventory service was told to fail (--fail)"
            : await InventoryTables.FindShortageAsync(context, @event.Lines, cancellationToken).ConfigureAwait(false);
        if (shortage is not null)
        {
            await InventoryTables.InsertAsync(context, @event.OrderId, null, ReservationStatus.Failed, cancellationToken).ConfigureAwait(false);
            await context.PublishAsync(new InventoryReserveFailed(@event.OrderId, shortage), cancellationToken: cancellationToken).ConfigureAwait(false);
            LogFailed(@event.OrderId, shortage);
            return;
        }

        var reservationId = "res-" + Guid.CreateVersion7().ToString("N")[..16];
        await InventoryTables.TakeAsync(context, @event.Lines, cancellationToken).ConfigureAwait(false);
        await InventoryTables.InsertAsync(context, @event.OrderId, reservationId, ReservationStatus.Reserved, cancellationToken, @event.Lines).ConfigureAwait(false);
        await context.PublishAsync(new InventoryReserved(@event.OrderId, reservationId), cancellationToken: cancellationToken).ConfigureAwait(false);
        LogReserved(@event.OrderId, reservationId);
    }

    public async Task HandleAsync(OrderCancelled @event, EventContext context, CancellationToken cancellationToken)
    {
        var existing = await InventoryTables.FindAsync(context, @event.OrderId, cancellationToken).ConfigureAwait(false);
        switch (existing?.Status)
        {
            case null:
                await InventoryTables.InsertAsync(context, @event.OrderId, null, ReservationStatus.Voided, cancellationToken).ConfigureAwait(false);
                LogVoided(@event.OrderId);
                break;
            case ReservationStatus.Reserved:
                await InventoryTables.PutBackAsync(context, existing.Lines, cancellationToken).ConfigureAwait(false);
                await InventoryTables.SetStatusAsync(context, @event.OrderId, ReservationStatus.Released, cancellationToken).ConfigureAwait(false);
                await context.PublishAsync(new InventoryReleased(@event.OrderId, existing.ReservationId!), cancellationToken: cancellationToken).ConfigureAwait(false);
                LogReleased(@event.OrderId, existing.ReservationId!);
                break;
            default:
                LogAlreadyDone(@event.OrderId, existing.Status);
                break;
        }
    }

    [LoggerMessage(LogLevel.Information, "reserved order {OrderId}: {ReservationId}")]
    private partial void LogReserved(Guid orderId, string reservationId);

    [LoggerMessage(LogLevel.Information, "could not reserve order {OrderId}: {Reason}")]
    private partial void LogFailed(Guid orderId, string reason);

    [LoggerMessage(LogLevel.Information, "released order {OrderId}: {ReservationId}")]
    private partial void LogReleased(Guid orderId, string reservationId);

    [LoggerMessage(LogLevel.Information, "voided order {OrderId}: cancelled before it was reserved")]
    private partial void LogVoided(Guid orderId);

    [LoggerMessage(LogLevel.Information, "order {OrderId} is {Status} already: nothing to do")]
    private partial void LogAlreadyDone(Guid orderId, string status);
}
