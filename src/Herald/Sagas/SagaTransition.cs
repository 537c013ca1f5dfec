namespace Herald.Sagas;

/// <summary>One row of a saga's table: in step <see cref="From"/>, event <see cref="Event"/> leads to one of <see cref="To"/>.</summary>
/// <param name="From">The step the transition leaves; <see langword="null"/> for an event that starts the saga.</param>
/// <param name="Event">The event's type name (its contract's <c>event_type</c>).</param>
/// <param name="To">The steps the handler may return, as declared with <c>.To(...)</c>.</param>
/// <param name="IsCompensation">Declared with <c>.Compensates()</c>: the step undoes earlier ones and is reported apart from the forward steps.</param>
/// <param name="IsTimeout">The event is a timeout the saga schedules for itself (declared with <c>Timeout&lt;T&gt;()</c>).</param>
public sealed record SagaTransition(string? From, string Event, IReadOnlyList<string> To, bool IsCompensation, bool IsTimeout);
