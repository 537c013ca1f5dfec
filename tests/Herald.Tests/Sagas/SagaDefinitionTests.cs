using Herald.Sagas;

namespace Herald.Tests.Sagas;

public sealed class SagaDefinitionTests
{
    private const string Compensation = " (compensation)";

    [Fact]
    public void The_Mermaid_diagram_has_one_edge_per_declared_transition_and_an_exit_from_each_final_step()
    {
        var lines = new OrderSaga().ToMermaid().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.Equal("stateDiagram-v2", lines[0]);
        var edges = lines.Skip(1).Select(Edge).ToHashSet();
        var timedOut = "OrderSagaTimedOut (timeout, compensation)";
        HashSet<(string, string, string?)> expected =
        [
            ("[*]", "AwaitingPayment", "OrderCreated"),
            ("AwaitingPayment", "AwaitingInventory", "PaymentCompleted"),
            ("AwaitingPayment", "Compensating", "PaymentFailed" + Compensation),
            ("AwaitingPayment", "Cancelled", "PaymentFailed" + Compensation),
            ("AwaitingInventory", "Completed", "InventoryReserved"),
            ("AwaitingInventory", "Compensating", "InventoryReserveFailed" + Compensation),
            ("AwaitingInventory", "Cancelled", "InventoryReserveFailed" + Compensation),
            ("AwaitingPayment", "Compensating", timedOut),
            ("AwaitingPayment", "Cancelled", timedOut),
            ("AwaitingInventory", "Compensating", timedOut),
            ("AwaitingInventory", "Cancelled", timedOut),
            ("Compensating", "Cancelled", "PaymentRefunded" + Compensation),
            ("Completed", "[*]", null),
            ("Cancelled", "[*]", null),
        ];
        Assert.Equal(expected.Order(), edges.Order());
        Assert.Equal(expected.Count, lines.Length - 1);
    }

    [Fact]
    public void Expected_events_per_step_come_from_the_table_and_final_steps_expect_none()
    {
        var saga = new OrderSaga();

        Assert.Equal(["PaymentCompleted", "PaymentFailed", "OrderSagaTimedOut"], saga.ExpectedEvents("AwaitingPayment"));
        Assert.Equal(["InventoryReserved", "InventoryReserveFailed", "OrderSagaTimedOut"], saga.ExpectedEvents("AwaitingInventory"));
        Assert.Equal(["PaymentRefunded"], saga.ExpectedEvents("Compensating"));
        Assert.Empty(saga.ExpectedEvents("Completed"));
        Assert.Empty(saga.ExpectedEvents("Cancelled"));
        Assert.Throws<ArgumentException>(() => saga.ExpectedEvents("Shipped"));
    }

    [Fact]
    public void The_definition_describes_its_name_steps_consumed_events_and_transitions()
    {
        var saga = new OrderSaga();

        Assert.Equal("order-fulfilment", saga.Name);
        Assert.Equal(["AwaitingPayment", "AwaitingInventory", "Compensating", "Completed", "Cancelled"], saga.Steps);
        Assert.Equal(["Completed", "Cancelled"], saga.FinalSteps.Order().Reverse());
        Assert.Equal(TimeSpan.FromDays(7), saga.Retention);
        Assert.Equal(
            [typeof(InventoryReserveFailed), typeof(InventoryReserved), typeof(OrderCreated), typeof(PaymentCompleted), typeof(PaymentFailed), typeof(PaymentRefunded)],
            saga.EventTypes.OrderBy(t => t.Name, StringComparer.Ordinal));

        var start = Assert.Single(saga.Transitions, t => t.From is null);
        Assert.Equal(("OrderCreated", false, false), (start.Event, start.IsCompensation, start.IsTimeout));
        var timeouts = saga.Transitions.Where(t => t.IsTimeout).ToList();
        Assert.Equal(["AwaitingPayment", "AwaitingInventory"], timeouts.Select(t => t.From));
        Assert.All(timeouts, t => Assert.Equal(["Compensating", "Cancelled"], t.To));
        Assert.All(timeouts, t => Assert.True(t.IsCompensation));
    }

    public static TheoryData<string, Action<SagaBuilder<OrderSagaState, OrderStep>>> BrokenDefinitions => new()
    {
        { "no event starts it", s => s.CorrelateAllBy("OrderId").During(OrderStep.AwaitingPayment).On<PaymentCompleted>((st, e, c) => OrderStep.Completed).To(OrderStep.Completed) },
        { "does not declare the steps it goes to; add .To(OrderStep", s => s.CorrelateAllBy("OrderId").StartedBy<OrderCreated>((st, e, c) => OrderStep.AwaitingPayment) },
        { "nothing says which instance a OrderCreated belongs to", s => s.StartedBy<OrderCreated>((st, e, c) => OrderStep.AwaitingPayment).To(OrderStep.AwaitingPayment) },
        { "OrderCreated has no public property 'CustomerId'", s => s.CorrelateAllBy("CustomerId").StartedBy<OrderCreated>((st, e, c) => OrderStep.AwaitingPayment).To(OrderStep.AwaitingPayment) },
        {
            "step AwaitingPayment has two transitions for PaymentCompleted", s =>
            {
                Start(s).During(OrderStep.AwaitingPayment).On<PaymentCompleted>((st, e, c) => OrderStep.Completed).To(OrderStep.Completed);
                s.During(OrderStep.AwaitingPayment, OrderStep.AwaitingInventory).On<PaymentCompleted>((st, e, c) => OrderStep.Completed).To(OrderStep.Completed);
            }
        },
        {
            "Completed is a final step", s =>
            {
                Start(s).Finally(OrderStep.Completed);
                s.During(OrderStep.Completed).On<PaymentRefunded>((st, e, c) => OrderStep.Cancelled).To(OrderStep.Cancelled);
            }
        },
        { "timeout OrderSagaTimedOut cannot start the saga", s => Start(s).Timeout<OrderSagaTimedOut>().StartedBy<OrderSagaTimedOut>((st, e, c) => OrderStep.AwaitingPayment).To(OrderStep.AwaitingPayment) },
        { "both handles and ignores PaymentCompleted", s => Start(s).During(OrderStep.AwaitingPayment).On<PaymentCompleted>((st, e, c) => OrderStep.Completed).To(OrderStep.Completed).Ignore<PaymentCompleted>() },
        { "may only hold letters, digits", s => Start(s).Name("order fulfilment") },
    };

    [Theory]
    [MemberData(nameof(BrokenDefinitions))]
    public void A_wrong_definition_fails_when_first_used_with_a_message_that_says_what_to_fix(string message, Action<SagaBuilder<OrderSagaState, OrderStep>> configure)
    {
        var saga = new InlineSaga(configure);

        var error = Assert.Throws<SagaDefinitionException>(() => saga.Name);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public void To_and_Compensates_need_an_On_before_them()
    {
        var saga = new InlineSaga(s => Start(s).During(OrderStep.AwaitingPayment).To(OrderStep.Completed));

        Assert.Throws<InvalidOperationException>(() => saga.Name);
    }

    private static SagaBuilder<OrderSagaState, OrderStep> Start(SagaBuilder<OrderSagaState, OrderStep> saga)
    {
        saga.CorrelateAllBy("OrderId").StartedBy<OrderCreated>((st, e, c) => OrderStep.AwaitingPayment).To(OrderStep.AwaitingPayment);
        return saga;
    }

    private static (string From, string To, string? Label) Edge(string line)
    {
        var arrow = line.Split(" --> ", 2);
        var target = arrow[1].Split(" : ", 2);
        return (arrow[0], target[0], target.Length > 1 ? target[1] : null);
    }

    private sealed class InlineSaga(Action<SagaBuilder<OrderSagaState, OrderStep>> configure) : SagaDefinition<OrderSagaState, OrderStep>
    {
        protected override void Configure(SagaBuilder<OrderSagaState, OrderStep> saga) => configure(saga);
    }
}
