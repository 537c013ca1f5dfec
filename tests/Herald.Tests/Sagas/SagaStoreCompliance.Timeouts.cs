using Herald.Sagas;

namespace Herald.Tests.Sagas;

public abstract partial class SagaStoreCompliance
{
    [Fact]
    public async Task A_due_timeout_fires_once_and_publishes_the_compensation()
    {
        await DeliverAsync(new OrderCreated("o-slow", 5m));
        var scheduled = Assert.Single((await GetAsync("o-slow")).Timeouts);
        Assert.Equal(scheduled.DueAt, (await GetAsync("o-slow")).Summary.NextTimeoutAt);
        Clock.Advance(OrderSaga.PaymentTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty(await DueAsync());

        Clock.Advance(TimeSpan.FromSeconds(1));
        var due = Assert.Single(await DueAsync());
        Assert.Equal((scheduled.Token, "OrderSagaTimedOut", "o-slow"), (due.Token, due.TimeoutType, due.Id));
        Assert.Equal(SagaOutcome.Compensated, await FireAsync(due.Token));

        var instance = await GetAsync("o-slow");
        Assert.Equal("Cancelled", instance.Summary.Step);
        Assert.Equal("timeout", Property(instance.Data, "failureReason"));
        var fired = instance.History[^1];
        Assert.Equal((SagaHistoryKind.Compensation, "OrderSagaTimedOut", due.Token), (fired.Kind, fired.EventType, fired.EventId));
        Assert.Null(fired.Topic);
        Assert.Equal(Clock.GetUtcNow(), Assert.Single(instance.Timeouts).FiredAt);
        Assert.Null(instance.Summary.NextTimeoutAt);

        var cancellation = (await OutboxAsync())[^1];
        Assert.Equal("OrderCancelled", cancellation.EventType);
        Assert.Equal(due.Token.ToString(), Header(cancellation, Herald.Contracts.EnvelopeHeaders.CausationId));
        Assert.Equal("flow-42", Header(cancellation, Herald.Contracts.EnvelopeHeaders.CorrelationId));
        Assert.Equal((SagaEmissionKind.Event, "OrderCancelled", (Guid?)cancellation.EventId), (fired.Emitted[0].Kind, fired.Emitted[0].Type, fired.Emitted[0].Id));

        // Fired is final: a second delivery (another process, a retry) is dropped.
        Assert.Equal(SagaOutcome.Stale, await FireAsync(due.Token));
        Assert.Equal(instance.History.Count, (await GetAsync("o-slow")).History.Count);
        Assert.Empty(await DueAsync());
    }

    [Fact]
    public async Task A_superseded_or_cancelled_timeout_is_dropped_when_it_comes_due()
    {
        await DeliverAsync(new OrderCreated("o-t", 5m));
        var first = Assert.Single((await GetAsync("o-t")).Timeouts).Token;
        Clock.Advance(TimeSpan.FromMinutes(1));
        await DeliverAsync(new PaymentCompleted("o-t", "pay"));

        var timeouts = (await GetAsync("o-t")).Timeouts;
        Assert.Equal(2, timeouts.Count);
        Assert.NotNull(timeouts.Single(t => t.Token == first).CancelledAt);
        var second = timeouts.Single(t => t.Token != first);
        Assert.True(second.IsPending);
        Assert.Equal(second.DueAt, (await GetAsync("o-t")).Summary.NextTimeoutAt);

        // The first would be due now; it is no longer pending, so it is not found, and delivered by force it is dropped.
        Clock.Advance(OrderSaga.PaymentTimeout);
        Assert.Empty(await DueAsync());
        Assert.Equal(SagaOutcome.Stale, await FireAsync(first));
        Assert.Equal("AwaitingInventory", (await GetAsync("o-t")).Summary.Step);

        await DeliverAsync(new InventoryReserved("o-t", "res"));
        Clock.Advance(OrderSaga.InventoryTimeout);
        Assert.Empty(await DueAsync());
        Assert.Equal(SagaOutcome.Stale, await FireAsync(second.Token));

        var instance = await GetAsync("o-t");
        Assert.Equal("Completed", instance.Summary.Step);
        Assert.Equal(3, instance.History.Count);
        Assert.All(instance.Timeouts, t => Assert.Null(t.FiredAt));
        Assert.Equal(2, Metrics.Count(SagaOutcome.Stale));
    }

    [Fact]
    public async Task A_timeout_delivery_that_failed_is_retried_later_and_then_marked_failed()
    {
        await DeliverAsync(new OrderCreated("o-fail", 5m));
        var token = Assert.Single((await GetAsync("o-fail")).Timeouts).Token;
        Clock.Advance(OrderSaga.PaymentTimeout);

        await Store.RecordTimeoutFailureAsync(token, "boom", Clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        var retrying = Assert.Single((await GetAsync("o-fail")).Timeouts);
        Assert.Equal((1, "boom", true), (retrying.Attempts, retrying.LastError, retrying.IsPending));
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMinutes(1), (await GetAsync("o-fail")).Summary.NextTimeoutAt);
        Assert.Empty(await DueAsync());
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(await DueAsync());

        await Store.RecordTimeoutFailureAsync(token, "boom again", retryAt: null);
        var failed = Assert.Single((await GetAsync("o-fail")).Timeouts);
        Assert.Equal((2, "boom again", Clock.GetUtcNow()), (failed.Attempts, failed.LastError, failed.FailedAt));
        Assert.Null((await GetAsync("o-fail")).Summary.NextTimeoutAt);
        Assert.Empty(await DueAsync());
        Assert.Equal(SagaOutcome.Stale, await FireAsync(token));
    }
}
