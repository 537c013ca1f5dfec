using Herald.Consuming;

namespace Herald.Sagas;

/// <summary>The handler the consumer host runs for a saga: each event goes to the engine inside the inbox transaction.</summary>
/// <remarks>Scoped: <paramref name="services"/> is the event's scope, which saga handlers see as <see cref="SagaContext.Services"/>.</remarks>
internal sealed class SagaConsumer<TSaga>(TSaga definition, SagaEngine engine, IServiceProvider services)
    where TSaga : SagaDefinition
{
    public Task HandleAsync(object @event, EventContext context, CancellationToken cancellationToken) =>
        engine.HandleAsync(definition, @event, SagaTrigger.From(context), context.Transaction, context.Outbox, services, cancellationToken);
}
