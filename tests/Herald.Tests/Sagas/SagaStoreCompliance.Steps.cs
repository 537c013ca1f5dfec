using Herald.Contracts;
using Herald.Sagas;

namespace Herald.Tests.Sagas;

public abstract partial class SagaStoreCompliance
{
    [Fact]
    public async Task The_happy_path_runs_to_completed_with_its_history_timeouts_and_published_events()
    {
        var created = Guid.CreateVersion7();
        Assert.Equal(SagaOutcome.Started, await DeliverAsync(new OrderCreated("o-1", 40m), created));
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(SagaOutcome.Transitioned, await DeliverAsync(new PaymentCompleted("o-1", "pay-1")));
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(SagaOutcome.Transitioned, await DeliverAsync(new InventoryReserved("o-1", "res-1")));

        var instance = await GetAsync("o-1");
        Assert.Equal("Completed", instance.Summary.Step);
        Assert.Equal(3, instance.Summary.Version);
        Assert.Equal(Clock.GetUtcNow(), instance.Summary.CompletedAt);
        Assert.Equal(Clock.GetUtcNow(), instance.Summary.UpdatedAt);
        Assert.Equal(Clock.GetUtcNow() - TimeSpan.FromMinutes(2), instance.Summary.CreatedAt);
        Assert.Empty(instance.Summary.ExpectedEvents);
        Assert.Null(instance.Summary.NextTimeoutAt);
        Assert.Null(instance.NextTimeout);
        Assert.Equal("flow-42", instance.CorrelationId);
        Assert.Equal("pay-1", Property(instance.Data, "paymentId"));
        Assert.Equal("res-1", Property(instance.Data, "reservationId"));

        Assert.Equal([SagaHistoryKind.Start, SagaHistoryKind.Event, SagaHistoryKind.Event], instance.History.Select(h => h.Kind));
        Assert.Equal([1L, 2, 3], instance.History.Select(h => h.Seq));
        Assert.Equal(["OrderCreated", "PaymentCompleted", "InventoryReserved"], instance.History.Select(h => h.EventType));
        Assert.Equal([null, "AwaitingPayment", "AwaitingInventory"], instance.History.Select(h => h.FromStep));
        Assert.Equal(["AwaitingPayment", "AwaitingInventory", "Completed"], instance.History.Select(h => h.ToStep));
        Assert.Equal(instance.History, instance.ForwardSteps);
        Assert.Empty(instance.CompensationSteps);

        // Two events went out through the outbox, each caused by the event the step handled, in the flow's correlation.
        var outbox = await OutboxAsync();
        Assert.Equal(["PaymentRequested", "InventoryReserveRequested"], outbox.Select(m => m.EventType));
        Assert.Equal(created.ToString(), Header(outbox[0], EnvelopeHeaders.CausationId));
        Assert.All(outbox, m => Assert.Equal("flow-42", Header(m, EnvelopeHeaders.CorrelationId)));
        Assert.All(outbox, m => Assert.Equal("o-1", m.Key));

        // The start scheduled the payment timeout, the payment superseded it, the reservation cancelled the second.
        var start = instance.History[0];
        Assert.Equal(
            [(SagaEmissionKind.Event, "PaymentRequested", (Guid?)outbox[0].EventId), (SagaEmissionKind.TimeoutScheduled, "OrderSagaTimedOut", instance.Timeouts[0].Token)],
            start.Emitted.Select(e => (e.Kind, e.Type, e.Id)));
        Assert.Equal(start.At + OrderSaga.PaymentTimeout, start.Emitted[1].DueAt);
        Assert.Equal([(SagaEmissionKind.Event, "InventoryReserveRequested"), (SagaEmissionKind.TimeoutScheduled, "OrderSagaTimedOut")], instance.History[1].Emitted.Select(e => (e.Kind, e.Type)));
        Assert.Equal([(SagaEmissionKind.TimeoutCancelled, "OrderSagaTimedOut")], instance.History[2].Emitted.Select(e => (e.Kind, e.Type)));
        Assert.Equal(2, instance.Timeouts.Count);
        Assert.All(instance.Timeouts, t => Assert.NotNull(t.CancelledAt));
        Assert.All(instance.Timeouts, t => Assert.Null(t.FiredAt));
        Assert.Empty(await DueAsync());
    }

    [Fact]
    public async Task History_records_each_event_in_the_step_change_and_the_data_before_and_after()
    {
        var created = Guid.CreateVersion7();
        var paid = Guid.CreateVersion7();
        await DeliverAsync(new OrderCreated("o-2", 12.5m), created);
        await DeliverAsync(new PaymentCompleted("o-2", "pay-2"), paid);

        var history = (await GetAsync("o-2")).History;
        var start = history[0];
        Assert.Equal(created, start.EventId);
        Assert.Equal("cause-7", start.CausationId);
        Assert.Equal("orders", start.Topic);
        Assert.Equal(2, start.Partition);
        Assert.NotNull(start.Offset);
        Assert.Null(start.DataBefore);
        Assert.Equal("12.5", Property(start.DataAfter, "amount"));

        var payment = history[1];
        Assert.Equal(paid, payment.EventId);
        Assert.True(payment.Offset > start.Offset);
        Assert.Null(Property(payment.DataBefore, "paymentId"));
        Assert.Equal("pay-2", Property(payment.DataAfter, "paymentId"));
        Assert.Equal(Property(start.DataAfter, "amount"), Property(payment.DataBefore, "amount"));
        Assert.Equal(["InventoryReserved", "InventoryReserveFailed", "OrderSagaTimedOut"], (await GetAsync("o-2")).Summary.ExpectedEvents);
    }

    [Fact]
    public async Task An_inventory_failure_compensates_and_the_refund_completes_the_cancellation()
    {
        await DeliverAsync(new OrderCreated("o-3", 10m));
        await DeliverAsync(new PaymentCompleted("o-3", "pay-3"));
        Assert.Equal(SagaOutcome.Compensated, await DeliverAsync(new InventoryReserveFailed("o-3", "out of stock")));

        var compensating = await GetAsync("o-3");
        Assert.Equal("Compensating", compensating.Summary.Step);
        Assert.Null(compensating.Summary.CompletedAt);
        Assert.Equal(["PaymentRefunded"], compensating.Summary.ExpectedEvents);
        Assert.Equal("out of stock", Property(compensating.Data, "failureReason"));

        Assert.Equal(SagaOutcome.Compensated, await DeliverAsync(new PaymentRefunded("o-3", "pay-3")));
        var cancelled = await GetAsync("o-3");
        Assert.Equal("Cancelled", cancelled.Summary.Step);
        Assert.NotNull(cancelled.Summary.CompletedAt);
        Assert.Equal(["OrderCreated", "PaymentCompleted"], cancelled.ForwardSteps.Select(h => h.EventType));
        Assert.Equal(["InventoryReserveFailed", "PaymentRefunded"], cancelled.CompensationSteps.Select(h => h.EventType));
        Assert.All(cancelled.CompensationSteps, h => Assert.Equal(SagaHistoryKind.Compensation, h.Kind));
        Assert.Equal([("AwaitingInventory", "Compensating"), ("Compensating", "Cancelled")], cancelled.CompensationSteps.Select(h => (h.FromStep, h.ToStep)));

        var outbox = await OutboxAsync();
        var cancellation = Assert.Single(outbox, m => m.EventType == "OrderCancelled");
        Assert.Contains("out of stock", PayloadText(cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payment_failure_before_any_payment_cancels_at_once()
    {
        await DeliverAsync(new OrderCreated("o-4", 10m));
        Assert.Equal(SagaOutcome.Compensated, await DeliverAsync(new PaymentFailed("o-4", "card declined")));

        var instance = await GetAsync("o-4");
        Assert.Equal("Cancelled", instance.Summary.Step);
        Assert.Equal(["PaymentRequested", "OrderCancelled"], (await OutboxAsync()).Select(m => m.EventType));
    }

    [Fact]
    public async Task A_handler_that_throws_after_publishing_leaves_no_state_history_timeout_or_outbox_row()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => DeliverAsync(new OrderCreated("o-neg", -1m)));

        Assert.Null(await Store.GetAsync(Saga.Name, "o-neg"));
        Assert.Equal(0, (await Store.ListAsync(new SagaFilter())).Total);
        Assert.Empty(await OutboxAsync());
        Clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await DueAsync());

        // The same database still works: nothing was left half-written.
        Assert.Equal(SagaOutcome.Started, await DeliverAsync(new OrderCreated("o-neg", 1m)));
    }

    [Fact]
    public async Task A_handler_that_returns_an_undeclared_step_is_a_definition_error_and_writes_nothing()
    {
        var broken = new UndeclaredStepSaga();
        var error = await Assert.ThrowsAsync<SagaDefinitionException>(() => DeliverAsync(new OrderCreated("o-5", 1m), saga: broken));

        Assert.False(error.IsTransient);
        Assert.Contains("Completed", error.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(broken.Name, "o-5"));
    }

    [Fact]
    public async Task Another_transactions_change_makes_a_stale_step_fail_with_a_concurrency_exception()
    {
        await DeliverAsync(new OrderCreated("o-6", 1m));
        SagaRecord stale;
        await using (var read = await Inbox.BeginAsync(Group))
        {
            stale = (await Store.LoadAsync(read.Transaction, Saga.Name, "o-6"))!;
        }

        await DeliverAsync(new PaymentCompleted("o-6", "pay-6"));

        await using var transaction = await Inbox.BeginAsync(Group);
        var change = new SagaChange(Saga.Name, "o-6")
        {
            State = new SagaStateChange("Cancelled", stale.Data, stale.Version, null, true, []),
        };
        var conflict = await Assert.ThrowsAsync<SagaConcurrencyException>(() => Store.SaveAsync(transaction.Transaction, change));
        Assert.True(conflict.IsTransient);
        Assert.Equal(1, conflict.ExpectedVersion);
        await transaction.DisposeAsync();
        Assert.Equal("AwaitingInventory", (await GetAsync("o-6")).Summary.Step);
    }

    [Fact]
    public async Task Creating_an_instance_that_exists_fails_with_a_concurrency_exception()
    {
        await DeliverAsync(new OrderCreated("o-7", 1m));

        await using var transaction = await Inbox.BeginAsync(Group);
        var change = new SagaChange(Saga.Name, "o-7") { State = new SagaStateChange("AwaitingPayment", "{}", 0, null, false, []) };
        var conflict = await Assert.ThrowsAsync<SagaConcurrencyException>(() => Store.SaveAsync(transaction.Transaction, change));
        Assert.Equal(0, conflict.ExpectedVersion);
    }

    [Fact]
    public async Task Completed_instances_past_retention_are_purged_with_their_history_and_timeouts()
    {
        await DeliverAsync(new OrderCreated("o-old", 1m));
        await DeliverAsync(new PaymentFailed("o-old", "declined"));
        await DeliverAsync(new OrderCreated("o-running", 1m));
        Clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(1, await Store.PurgeCompletedAsync(Saga.Name, Clock.GetUtcNow() - Saga.Retention));

        Assert.Null(await Store.GetAsync(Saga.Name, "o-old"));
        Assert.NotNull(await Store.GetAsync(Saga.Name, "o-running"));
        Assert.Equal(0, await Store.PurgeCompletedAsync(Saga.Name, Clock.GetUtcNow() - Saga.Retention));

        // A late event for the purged instance finds none: the missing-instance policy (discard) applies.
        Assert.Equal(SagaOutcome.Discarded, await DeliverAsync(new PaymentRefunded("o-old", "pay")));
    }
}

/// <summary>Declares AwaitingPayment as its start's target but returns Completed.</summary>
public sealed class UndeclaredStepSaga : SagaDefinition<OrderSagaState, OrderStep>
{
    protected override void Configure(SagaBuilder<OrderSagaState, OrderStep> saga)
    {
        saga.Name("undeclared-step").CorrelateAllBy("OrderId");
        saga.StartedBy<OrderCreated>((state, e, ctx) => OrderStep.Completed).To(OrderStep.AwaitingPayment);
        saga.Finally(OrderStep.Completed);
    }
}
