using Herald.Cdc.Model;

namespace Herald.Cdc.BusinessEvents;

/// <summary>One rule: on which table, for which operations and conditions, which fact to emit.</summary>
/// <param name="Name">A name that must stay the same across releases: it is part of every event id the rule produces.</param>
/// <param name="Table">The qualified table, <c>schema.table</c>.</param>
/// <param name="Operations">The operations it looks at.</param>
/// <param name="Conditions">All must hold for the rule to fire.</param>
/// <param name="EventType">The CLR type of the events it emits.</param>
/// <param name="Factory">Builds the event from the change.</param>
/// <param name="Topic">The topic override, or null for the contract's topic.</param>
public sealed record BusinessEventRule(
    string Name,
    string Table,
    IReadOnlySet<ChangeOperation> Operations,
    IReadOnlyList<Func<ChangeEvent, bool>> Conditions,
    Type EventType,
    Func<ChangeEvent, object> Factory,
    string? Topic)
{
    /// <summary>Whether the rule fires on <paramref name="change"/>.</summary>
    /// <param name="change">The change.</param>
    public bool Matches(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!Operations.Contains(change.Operation) || change.Table.QualifiedName != Table)
        {
            return false;
        }

        foreach (var condition in Conditions)
        {
            if (!condition(change))
            {
                return false;
            }
        }

        return true;
    }
}
