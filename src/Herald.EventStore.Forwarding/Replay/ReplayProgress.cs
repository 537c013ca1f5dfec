namespace Herald.EventStore.Forwarding.Replay;

/// <summary>How far a replay has got.</summary>
/// <param name="Position">The last global position read.</param>
/// <param name="From">The first position of the range.</param>
/// <param name="To">The last position of the range.</param>
/// <param name="EventsRead">Events read so far (matching or not).</param>
/// <param name="EventsReplayed">Events that matched the filters and were applied, published or (dry run) counted.</param>
/// <param name="Elapsed">Time since the replay started.</param>
public sealed record ReplayProgress(long Position, long From, long To, long EventsRead, long EventsReplayed, TimeSpan Elapsed)
{
    /// <summary>How much of the range has been read, 0 to 1.</summary>
    public double Fraction => To < From ? 1 : Math.Clamp((double)(Position - From + 1) / (To - From + 1), 0, 1);
}

/// <summary>What a replay did, or in a dry run would do.</summary>
/// <param name="Executed">False for a dry run: nothing was published.</param>
/// <param name="From">The first position of the range.</param>
/// <param name="To">The last position of the range (the head at the start when none was given).</param>
/// <param name="EventsRead">Events read in the range (system streams and filtered-out events included).</param>
/// <param name="EventsReplayed">Events that matched: applied, published, or (dry run) that would be published.</param>
/// <param name="FirstPosition">The position of the first matching event, if any.</param>
/// <param name="LastPosition">The position of the last matching event, if any.</param>
/// <param name="Streams">How many distinct streams the matching events belong to.</param>
/// <param name="EventTypes">Matching events per event type, by type name (ordinal order).</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record ReplaySummary(
    bool Executed,
    long From,
    long To,
    long EventsRead,
    long EventsReplayed,
    long? FirstPosition,
    long? LastPosition,
    int Streams,
    IReadOnlyDictionary<string, long> EventTypes,
    TimeSpan Elapsed);
