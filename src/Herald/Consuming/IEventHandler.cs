namespace Herald.Consuming;

/// <summary>Handles one event type. Runs inside the inbox transaction: write through <see cref="EventContext.Transaction"/>.</summary>
/// <typeparam name="TEvent">The event contract.</typeparam>
public interface IEventHandler<in TEvent>
{
    /// <summary>Handles <paramref name="event"/>; throwing rolls back its writes and triggers the retry policy.</summary>
    Task HandleAsync(TEvent @event, EventContext context, CancellationToken cancellationToken);
}
