namespace Herald.Sagas;

/// <summary>
/// Declares a saga: override <see cref="Configure"/> and describe it with the builder. One instance of the definition
/// serves every saga instance, so keep it free of per-instance fields; per-instance data lives in <typeparamref name="TState"/>.
/// </summary>
/// <typeparam name="TState">The instance's state (<see cref="SagaState{TStep}"/> plus the saga's data).</typeparam>
/// <typeparam name="TStep">The enum of steps.</typeparam>
/// <example>
/// <code>
/// public sealed class OrderSaga : SagaDefinition&lt;OrderState, OrderStep&gt;
/// {
///     protected override void Configure(SagaBuilder&lt;OrderState, OrderStep&gt; saga)
///     {
///         saga.Name("order-fulfilment").CorrelateAllBy("OrderId");
///         saga.StartedBy&lt;OrderCreated&gt;((state, e, ctx) =&gt;
///         {
///             ctx.Publish(new PaymentRequested(e.OrderId, e.Amount));
///             return OrderStep.AwaitingPayment;
///         }).To(OrderStep.AwaitingPayment);
///         saga.During(OrderStep.AwaitingPayment)
///             .On&lt;PaymentCompleted&gt;((state, e, ctx) =&gt; OrderStep.Completed).To(OrderStep.Completed);
///         saga.Finally(OrderStep.Completed);
///     }
/// }
/// </code>
/// </example>
public abstract class SagaDefinition<TState, TStep> : SagaDefinition
    where TState : SagaState<TStep>, new()
    where TStep : struct, Enum
{
    private readonly Lazy<SagaModel<TState, TStep>> _model;

    protected SagaDefinition()
    {
        // Lazily: Configure is virtual and must not run before the derived constructor has.
        _model = new Lazy<SagaModel<TState, TStep>>(() =>
        {
            var builder = new SagaBuilder<TState, TStep>();
            Configure(builder);
            return SagaModel<TState, TStep>.Compile(builder, GetType().Name);
        });
    }

    internal override SagaModel Model => _model.Value;

    /// <summary>Declares the saga; called once, the first time the definition is used.</summary>
    protected abstract void Configure(SagaBuilder<TState, TStep> saga);
}
