using Herald.Cdc.Model;

namespace Herald.Cdc.BusinessEvents;

/// <summary>
/// Turns technical row changes into business facts: "when <c>public.orders.status</c> goes from <c>pending</c> to
/// <c>paid</c>, <c>OrderPaid</c> happened".
/// </summary>
/// <example>
/// <code>
/// var rules = new BusinessEventRules()
///     .When("public.orders").ColumnChanged("status", from: "pending", to: "paid")
///         .Emit(change => new OrderPaid(change.After!["id"]!.GetValue&lt;long&gt;()))
///     .When("public.orders").Inserted()
///         .Emit(change => new OrderPlaced(change.After!["id"]!.GetValue&lt;long&gt;()));
/// </code>
/// </example>
/// <remarks>
/// Rules are evaluated in the order they were added; one change can fire several. Every fact gets an event id derived
/// from the change's log position and the rule's name (<see cref="DeterministicEventId"/>), so give rules a stable
/// <see cref="BusinessEventRuleBuilder.Named"/> name if you may later rename event types. Publish the facts with
/// <see cref="BusinessEventTransform"/>.
/// </remarks>
public sealed class BusinessEventRules
{
    private readonly List<BusinessEventRule> _rules = [];

    /// <summary>The rules, in evaluation order.</summary>
    public IReadOnlyList<BusinessEventRule> Rules => _rules;

    /// <summary>Starts a rule for changes to <paramref name="qualifiedTable"/>.</summary>
    /// <param name="qualifiedTable">The table as <c>schema.table</c>, e.g. <c>public.orders</c>.</param>
    public BusinessEventRuleBuilder When(string qualifiedTable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(qualifiedTable);
        if (!qualifiedTable.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{qualifiedTable}' is not schema-qualified; write e.g. 'public.{qualifiedTable}'", nameof(qualifiedTable));
        }

        return new BusinessEventRuleBuilder(this, qualifiedTable);
    }

    /// <summary>Adds a finished rule.</summary>
    /// <param name="rule">The rule; its name must be unused.</param>
    public BusinessEventRules Add(BusinessEventRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (_rules.Any(r => r.Name == rule.Name))
        {
            throw new InvalidOperationException(
                $"business event rule name '{rule.Name}' is used twice; event ids derive from it, so give each rule its own name with .Named(\"...\")");
        }

        _rules.Add(rule);
        return this;
    }

    /// <summary>The facts <paramref name="change"/> gives, in rule order; empty when no rule fires.</summary>
    /// <param name="change">The change.</param>
    public IReadOnlyList<BusinessEvent> Evaluate(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        List<BusinessEvent>? events = null;
        foreach (var rule in _rules)
        {
            if (!rule.Matches(change))
            {
                continue;
            }

            var @event = rule.Factory(change);
            var eventId = DeterministicEventId.For(change, rule.Name);
            var correlation = DeterministicEventId.TransactionCorrelation(change) ?? eventId;
            var occurredAt = DateTimeOffset.FromUnixTimeMilliseconds(change.Source.TimestampMs);
            (events ??= []).Add(new BusinessEvent(rule.Name, @event, eventId, occurredAt, correlation.ToString(), rule.Topic, change));
        }

        return events ?? (IReadOnlyList<BusinessEvent>)[];
    }
}
