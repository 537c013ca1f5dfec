using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Cdc.Model;

namespace Herald.Cdc.BusinessEvents;

/// <summary>
/// Builds one <see cref="BusinessEventRule"/>: the operations and conditions it fires on, then
/// <see cref="Emit{TEvent}"/> with the fact to publish.
/// </summary>
/// <remarks>
/// Without an operation filter a rule looks at creates, updates and deletes. Snapshot reads (<c>r</c>) are not new
/// facts and are ignored unless <see cref="IncludingSnapshotReads"/> is called. Column-transition conditions compare the
/// old value in <c>before</c>, which PostgreSQL only sends for every column under <c>REPLICA IDENTITY FULL</c>: with
/// the default identity an update's old non-key values are unknown and such a rule does not fire.
/// </remarks>
public sealed class BusinessEventRuleBuilder
{
    private readonly BusinessEventRules _rules;
    private readonly string _table;
    private readonly HashSet<ChangeOperation> _operations = [];
    private readonly List<Func<ChangeEvent, bool>> _conditions = [];
    private bool _snapshotReads;
    private string? _name;
    private string? _topic;

    internal BusinessEventRuleBuilder(BusinessEventRules rules, string table)
    {
        _rules = rules;
        _table = table;
    }

    /// <summary>Fires on INSERTs.</summary>
    public BusinessEventRuleBuilder Inserted() => On(ChangeOperation.Create);

    /// <summary>Fires on UPDATEs.</summary>
    public BusinessEventRuleBuilder Updated() => On(ChangeOperation.Update);

    /// <summary>Fires on DELETEs.</summary>
    public BusinessEventRuleBuilder Deleted() => On(ChangeOperation.Delete);

    /// <summary>Also fires on rows read by the initial snapshot, as if they were inserted.</summary>
    public BusinessEventRuleBuilder IncludingSnapshotReads()
    {
        _snapshotReads = true;
        return this;
    }

    /// <summary>Fires on updates where <paramref name="column"/>'s value changed.</summary>
    /// <param name="column">The column name.</param>
    public BusinessEventRuleBuilder ColumnChanged(string column)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        Updated();
        return Where(change => TryOld(change, column, out var old) && !JsonNode.DeepEquals(old, New(change, column)));
    }

    /// <summary>Fires on updates where <paramref name="column"/> went from <paramref name="from"/> to <paramref name="to"/>, and only then.</summary>
    /// <typeparam name="TValue">The column's value type as Debezium represents it (string for numeric, text, uuid, …).</typeparam>
    /// <param name="column">The column name.</param>
    /// <param name="from">The old value.</param>
    /// <param name="to">The new value.</param>
    public BusinessEventRuleBuilder ColumnChanged<TValue>(string column, TValue from, TValue to)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var fromNode = JsonSerializer.SerializeToNode(from);
        var toNode = JsonSerializer.SerializeToNode(to);
        if (JsonNode.DeepEquals(fromNode, toNode))
        {
            throw new ArgumentException($"from and to are both {fromNode?.ToJsonString() ?? "null"}: that is no transition", nameof(to));
        }

        Updated();
        return Where(change =>
            TryOld(change, column, out var old) && JsonNode.DeepEquals(old, fromNode) && JsonNode.DeepEquals(New(change, column), toNode));
    }

    /// <summary>Fires on updates where <paramref name="column"/> became <paramref name="value"/> from any other value.</summary>
    /// <typeparam name="TValue">The column's value type as Debezium represents it.</typeparam>
    /// <param name="column">The column name.</param>
    /// <param name="value">The new value.</param>
    public BusinessEventRuleBuilder ColumnBecame<TValue>(string column, TValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(column);
        var node = JsonSerializer.SerializeToNode(value);
        Updated();
        return Where(change =>
            TryOld(change, column, out var old) && !JsonNode.DeepEquals(old, node) && JsonNode.DeepEquals(New(change, column), node));
    }

    /// <summary>Adds a condition of your own.</summary>
    /// <param name="condition">True to fire.</param>
    public BusinessEventRuleBuilder Where(Func<ChangeEvent, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        _conditions.Add(condition);
        return this;
    }

    /// <summary>Names the rule (default <c>schema.table-&gt;EventType</c>). The name is part of every event id, so keep it stable.</summary>
    /// <param name="name">The name.</param>
    public BusinessEventRuleBuilder Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        return this;
    }

    /// <summary>Sends the facts to <paramref name="topic"/> instead of the contract's topic.</summary>
    /// <param name="topic">The topic.</param>
    public BusinessEventRuleBuilder ToTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        _topic = topic;
        return this;
    }

    /// <summary>Finishes the rule: when it fires, <paramref name="factory"/> builds the fact.</summary>
    /// <typeparam name="TEvent">The event contract type.</typeparam>
    /// <param name="factory">Builds the event from the change (read values from <c>change.After</c> / <c>change.Before</c>).</param>
    /// <returns>The rule set, to add the next rule.</returns>
    public BusinessEventRules Emit<TEvent>(Func<ChangeEvent, TEvent> factory)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        HashSet<ChangeOperation> operations = _operations.Count > 0
            ? [.. _operations]
            : [ChangeOperation.Create, ChangeOperation.Update, ChangeOperation.Delete];
        if (_snapshotReads)
        {
            operations.Add(ChangeOperation.Read);
        }

        var name = _name ?? $"{_table}->{typeof(TEvent).Name}";
        return _rules.Add(new BusinessEventRule(name, _table, operations, [.. _conditions], typeof(TEvent), change => factory(change), _topic));
    }

    private BusinessEventRuleBuilder On(ChangeOperation operation)
    {
        _operations.Add(operation);
        return this;
    }

    private static bool TryOld(ChangeEvent change, string column, out JsonNode? old)
    {
        old = null;
        return change.Before is { } before && before.TryGetPropertyValue(column, out old)
            && !(old is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == ChangeEvent.UnavailableValuePlaceholder);
    }

    private static JsonNode? New(ChangeEvent change, string column) =>
        change.After is { } after && after.TryGetPropertyValue(column, out var value) ? value : null;
}
