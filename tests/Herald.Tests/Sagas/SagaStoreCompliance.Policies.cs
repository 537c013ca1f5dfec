using Herald.Sagas;

namespace Herald.Tests.Sagas;

public abstract partial class SagaStoreCompliance
{
    [Fact]
    public async Task A_redelivered_event_whose_id_is_in_the_history_changes_nothing()
    {
        var created = Guid.CreateVersion7();
        var paid = Guid.CreateVersion7();
        await DeliverAsync(new OrderCreated("o-dup", 5m), created);
        await DeliverAsync(new PaymentCompleted("o-dup", "pay"), paid);

        // Another inbox (group) or a redrive: the inbox did not stop them, the instance's history does.
        Assert.Equal(SagaOutcome.Duplicate, await DeliverAsync(new PaymentCompleted("o-dup", "pay"), paid));
        Assert.Equal(SagaOutcome.Duplicate, await DeliverAsync(new OrderCreated("o-dup", 5m), created));

        var instance = await GetAsync("o-dup");
        Assert.Equal(2, instance.Summary.Version);
        Assert.Equal(2, instance.History.Count);
        Assert.Equal(2, (await OutboxAsync()).Count);
        Assert.Equal(2, Metrics.Count(SagaOutcome.Duplicate, Saga.Name));
    }

    [Fact]
    public async Task An_event_the_step_does_not_expect_is_recorded_as_ignored_without_a_change()
    {
        await DeliverAsync(new OrderCreated("o-early", 5m));
        var before = await GetAsync("o-early");
        Clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(SagaOutcome.Ignored, await DeliverAsync(new InventoryReserved("o-early", "res")));

        var after = await GetAsync("o-early");
        Assert.Equal("AwaitingPayment", after.Summary.Step);
        Assert.Equal(1, after.Summary.Version);
        Assert.Equal(before.Data, after.Data);
        Assert.Equal(before.Summary.UpdatedAt, after.Summary.UpdatedAt);
        var ignored = Assert.Single(after.Unchanged);
        Assert.Equal((SagaHistoryKind.Ignored, "InventoryReserved", "AwaitingPayment", "AwaitingPayment"), (ignored.Kind, ignored.EventType, ignored.FromStep, ignored.ToStep));
        Assert.Null(ignored.DataAfter);
        Assert.Equal(2, ignored.Seq);
        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task With_the_retry_policy_an_early_event_fails_transiently_and_succeeds_once_its_step_is_reached()
    {
        await DeliverAsync(new OrderCreated("o-retry", 5m), saga: Strict);

        var early = await Assert.ThrowsAsync<UnexpectedSagaEventException>(() => DeliverAsync(new InventoryReserved("o-retry", "res"), saga: Strict));
        Assert.True(early.IsTransient);
        Assert.Equal("AwaitingPayment", early.Step);
        Assert.Single((await GetAsync("o-retry", Strict)).History);

        await DeliverAsync(new PaymentCompleted("o-retry", "pay"), saga: Strict);
        Assert.Equal(SagaOutcome.Transitioned, await DeliverAsync(new InventoryReserved("o-retry", "res"), saga: Strict));
        Assert.Equal("Completed", (await GetAsync("o-retry", Strict)).Summary.Step);
    }

    [Fact]
    public async Task A_late_event_after_completion_is_recorded_as_late_or_dropped_when_the_final_step_ignores_all()
    {
        foreach (var saga in new OrderSaga[] { Saga, Strict })
        {
            await DeliverAsync(new OrderCreated("o-late", 5m), saga: saga);
            await DeliverAsync(new PaymentFailed("o-late", "declined"), saga: saga);
        }

        Assert.Equal(SagaOutcome.Late, await DeliverAsync(new PaymentCompleted("o-late", "pay"), saga: Saga));
        Assert.Equal(SagaOutcome.Dropped, await DeliverAsync(new PaymentCompleted("o-late", "pay"), saga: Strict));

        var recorded = await GetAsync("o-late", Saga);
        Assert.Equal("Cancelled", recorded.Summary.Step);
        Assert.Equal(2, recorded.Summary.Version);
        var late = recorded.History[^1];
        Assert.Equal((SagaHistoryKind.Late, "PaymentCompleted", "Cancelled", "Cancelled"), (late.Kind, late.EventType, late.FromStep, late.ToStep));

        var dropped = await GetAsync("o-late", Strict);
        Assert.Equal(2, dropped.History.Count);
        Assert.Equal("Cancelled", dropped.Summary.Step);
    }

    [Fact]
    public async Task An_event_without_an_instance_is_discarded_retried_or_faulted_as_its_policy_says()
    {
        Assert.Equal(SagaOutcome.Discarded, await DeliverAsync(new PaymentFailed("ghost", "declined")));
        Assert.Equal(1, Metrics.Count(SagaOutcome.Discarded, Saga.Name));

        var retried = await Assert.ThrowsAsync<SagaInstanceNotFoundException>(() => DeliverAsync(new PaymentCompleted("ghost", "pay")));
        Assert.True(retried.IsTransient);
        Assert.Equal(Missing.Retry, retried.Policy);

        var faulted = await Assert.ThrowsAsync<SagaInstanceNotFoundException>(() => DeliverAsync(new InventoryReserved("ghost", "res")));
        Assert.False(faulted.IsTransient);

        Assert.Equal(0, (await Store.ListAsync(new SagaFilter())).Total);
        Assert.Empty(await OutboxAsync());
    }
}
