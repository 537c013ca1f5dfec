namespace Herald.Cli.Drills;

/// <summary>The events of one order as seen on the topic: each event id once, in log order, and how many records were resends.</summary>
/// <param name="Types">Event types of the distinct events, in the order they first appeared.</param>
/// <param name="Resent">Records whose event id had been seen already (a relay retry; the consumers' inboxes drop them).</param>
internal sealed record OrderEvents(IReadOnlyList<string> Types, int Resent)
{
    public static OrderEvents Of(IReadOnlyList<ObservedEvent> records)
    {
        var seen = new HashSet<Guid>();
        var distinct = records.Where(r => seen.Add(r.EventId)).ToList();
        return new OrderEvents([.. distinct.Select(e => e.EventType)], records.Count - distinct.Count);
    }

    /// <summary>Every event of <paramref name="expected"/> exactly once (by event id), in that order, and nothing else.</summary>
    public bool AreExactly(IReadOnlyList<string> expected) => Types.SequenceEqual(expected, StringComparer.Ordinal);

    public override string ToString() => string.Join(" → ", Types) + (Resent > 0 ? $" (+{Resent} resent record(s), same event id)" : "");
}
