using System.Data.Common;
using Herald.Sagas;

namespace Herald.Cli.Tests.Sagas;

/// <summary>
/// Writes saga instances through the public store API, as the engine would after these steps: one running order stuck
/// for two hours, one waiting with a pending timeout, and one cancelled after compensation.
/// </summary>
internal static class SagaSeed
{
    public const string Type = "order-fulfilment";
    public static readonly Guid Created = Guid.Parse("0195a000-0000-7000-8000-000000000001");
    public static readonly Guid Failed = Guid.Parse("0195a000-0000-7000-8000-000000000003");
    public static readonly Guid Cancellation = Guid.Parse("0195a000-0000-7000-8000-0000000000c1");
    public static readonly Guid PendingTimeout = Guid.Parse("0195a000-0000-7000-8000-0000000000d1");

    public static async Task SeedAsync(Func<TimeProvider, ISagaStore> storeAt, Func<Task<(DbConnection Connection, DbTransaction Transaction)>> begin)
    {
        var now = DateTimeOffset.UtcNow;
        await StepAsync(now - TimeSpan.FromHours(2), Start("o-stuck", now - TimeSpan.FromHours(2), Guid.CreateVersion7()));
        await StepAsync(now - TimeSpan.FromMinutes(1), Start("o-waiting", now - TimeSpan.FromMinutes(1), Guid.CreateVersion7()) with
        {
            Timeouts = [SagaTimeoutChange.Schedule("OrderSagaTimedOut", PendingTimeout, now + TimeSpan.FromMinutes(14), "{\"orderId\":\"o-waiting\"}")],
        });

        var at = now - TimeSpan.FromMinutes(30);
        await StepAsync(at, Start("o-done", at, Created) with
        {
            Timeouts = [SagaTimeoutChange.Schedule("OrderSagaTimedOut", Guid.CreateVersion7(), at + TimeSpan.FromMinutes(15), "{\"orderId\":\"o-done\"}")],
        });
        await StepAsync(at, new SagaChange(Type, "o-done")
        {
            State = new SagaStateChange("AwaitingInventory", "{\"amount\":10,\"paymentId\":\"pay-1\"}", 1, null, false, ["InventoryReserved", "InventoryReserveFailed"]),
            History = Entry(at, SagaHistoryKind.Event, "PaymentCompleted", Guid.CreateVersion7(), "AwaitingPayment", "AwaitingInventory", []),
        });
        await StepAsync(at, new SagaChange(Type, "o-done")
        {
            State = new SagaStateChange("Compensating", "{\"amount\":10,\"paymentId\":\"pay-1\",\"failureReason\":\"out of stock\"}", 2, null, false, ["PaymentRefunded"]),
            History = Entry(at, SagaHistoryKind.Compensation, "InventoryReserveFailed", Failed, "AwaitingInventory", "Compensating",
                [new SagaEmission(SagaEmissionKind.Event, "OrderCancelled", Cancellation)]),
        });
        await StepAsync(at, new SagaChange(Type, "o-done")
        {
            History = Entry(at, SagaHistoryKind.Ignored, "PaymentCompleted", Guid.CreateVersion7(), "Compensating", "Compensating", []),
        });
        await StepAsync(at, new SagaChange(Type, "o-done")
        {
            State = new SagaStateChange("Cancelled", "{\"amount\":10,\"paymentId\":\"pay-1\",\"failureReason\":\"out of stock\"}", 3, null, true, []),
            History = Entry(at, SagaHistoryKind.Compensation, "PaymentRefunded", Guid.CreateVersion7(), "Compensating", "Cancelled", []),
            Timeouts = [SagaTimeoutChange.CancelAll()],
        });

        async Task StepAsync(DateTimeOffset time, SagaChange change)
        {
            var store = storeAt(new FixedClock(time));
            await store.EnsureCreatedAsync();
            var (connection, transaction) = await begin();
            await using (connection)
            await using (transaction)
            {
                await store.SaveAsync(transaction, change);
                await transaction.CommitAsync();
            }

            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private static SagaChange Start(string id, DateTimeOffset at, Guid eventId) => new(Type, id)
    {
        State = new SagaStateChange("AwaitingPayment", "{\"amount\":10}", 0, "flow-" + id, false, ["PaymentCompleted", "PaymentFailed", "OrderSagaTimedOut"]),
        History = Entry(at, SagaHistoryKind.Start, "OrderCreated", eventId, null, "AwaitingPayment",
            [new SagaEmission(SagaEmissionKind.Event, "PaymentRequested", Guid.CreateVersion7()), new SagaEmission(SagaEmissionKind.TimeoutScheduled, "OrderSagaTimedOut", Guid.CreateVersion7(), at + TimeSpan.FromMinutes(15))]),
    };

    private static SagaHistoryEntry Entry(DateTimeOffset at, SagaHistoryKind kind, string eventType, Guid eventId, string? from, string to, IReadOnlyList<SagaEmission> emitted) =>
        new(0, at, kind, eventType, eventId, null, "orders", 0, 7, from, to, null, null, emitted);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
