using Herald.Cdc.Model;

namespace Herald.Cdc.BusinessEvents;

/// <summary>A business fact a rule derived from a row change, with the envelope values Herald publishes it with.</summary>
/// <param name="RuleName">The rule that fired.</param>
/// <param name="Event">The event object (a past-tense contract type, e.g. <c>OrderPaid</c>).</param>
/// <param name="EventId">Deterministic from the change's log position and the rule (<see cref="DeterministicEventId"/>).</param>
/// <param name="OccurredAt">When the change was committed in the database (<c>source.ts_ms</c>).</param>
/// <param name="CorrelationId">Shared by the facts of one database transaction, or the event id when the txId is unknown.</param>
/// <param name="Topic">The topic the rule sends it to, or null for the contract's topic.</param>
/// <param name="Change">The change it was derived from.</param>
public sealed record BusinessEvent(
    string RuleName, object Event, Guid EventId, DateTimeOffset OccurredAt, string CorrelationId, string? Topic, ChangeEvent Change);
