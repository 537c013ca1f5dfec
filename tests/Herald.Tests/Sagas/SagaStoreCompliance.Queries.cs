using Herald.Sagas;

namespace Herald.Tests.Sagas;

public abstract partial class SagaStoreCompliance
{
    [Fact]
    public async Task List_filters_by_type_step_and_stuck_for_stalest_first_with_paging()
    {
        await DeliverAsync(new OrderCreated("o-stale", 1m));
        Clock.Advance(TimeSpan.FromMinutes(10));
        await DeliverAsync(new OrderCreated("o-done", 1m));
        await DeliverAsync(new PaymentFailed("o-done", "declined"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await DeliverAsync(new OrderCreated("o-fresh", 1m));
        await DeliverAsync(new OrderCreated("o-strict", 1m), saga: Strict);
        Clock.Advance(TimeSpan.FromMinutes(4));

        // An event that changes nothing does not make an instance less stuck.
        await DeliverAsync(new InventoryReserved("o-stale", "res"));

        var all = await Store.ListAsync(new SagaFilter());
        Assert.Equal(4, all.Total);
        Assert.Equal(["o-stale", "o-done", "o-fresh", "o-strict"], all.Items.Select(s => s.Id));

        var stuck = await Store.ListAsync(new SagaFilter { StuckFor = TimeSpan.FromMinutes(5) });
        Assert.Equal(["o-stale"], stuck.Items.Select(s => s.Id));
        Assert.Equal(1, stuck.Total);
        Assert.Equal(["o-stale", "o-fresh", "o-strict"], (await Store.ListAsync(new SagaFilter { StuckFor = TimeSpan.FromMinutes(4) })).Items.Select(s => s.Id));

        var typed = await Store.ListAsync(new SagaFilter { Type = Saga.Name, Step = "AwaitingPayment" });
        Assert.Equal(["o-stale", "o-fresh"], typed.Items.Select(s => s.Id));
        Assert.All(typed.Items, s => Assert.Equal(["PaymentCompleted", "PaymentFailed", "OrderSagaTimedOut"], s.ExpectedEvents));
        Assert.All(typed.Items, s => Assert.NotNull(s.NextTimeoutAt));

        Assert.Equal(["o-strict"], (await Store.ListAsync(new SagaFilter { Type = Strict.Name })).Items.Select(s => s.Id));
        Assert.Equal(["o-stale", "o-fresh", "o-strict"], (await Store.ListAsync(new SagaFilter { IncludeCompleted = false })).Items.Select(s => s.Id));

        var page = await Store.ListAsync(new SagaFilter { Limit = 2, Offset = 1 });
        Assert.Equal(["o-done", "o-fresh"], page.Items.Select(s => s.Id));
        Assert.Equal(4, page.Total);

        var done = all.Items.Single(s => s.Id == "o-done");
        Assert.True(done.IsCompleted);
        Assert.Equal(("Cancelled", 2L), (done.Step, done.Version));
        Assert.Empty((await Store.ListAsync(new SagaFilter { Type = "no-such-saga" })).Items);
    }

    [Fact]
    public async Task Get_returns_null_for_an_unknown_instance_and_everything_for_a_known_one()
    {
        Assert.Null(await Store.GetAsync(Saga.Name, "nobody"));
        await DeliverAsync(new OrderCreated("o-get", 3m));
        Assert.Null(await Store.GetAsync(Strict.Name, "o-get"));

        var instance = await GetAsync("o-get");
        Assert.Equal((Saga.Name, "o-get", "AwaitingPayment", 1L), (instance.Summary.Type, instance.Summary.Id, instance.Summary.Step, instance.Summary.Version));
        Assert.Equal("3", Property(instance.Data, "amount"));
        Assert.Equal(instance.Timeouts[0], instance.NextTimeout);
        Assert.Single(instance.ForwardSteps);
    }
}
