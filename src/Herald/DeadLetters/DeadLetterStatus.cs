namespace Herald.DeadLetters;

/// <summary>Whether a dead letter still waits for a person, or an audited command resolved it.</summary>
internal enum DeadLetterStatus
{
    /// <summary>No audit record names it yet.</summary>
    Waiting,

    /// <summary>A redrive (<c>herald dlq redrive</c> or the console) re-published it to its original topic.</summary>
    Redriven,

    /// <summary>A discard (<c>herald dlq discard</c> or the console) dropped it, with a reason.</summary>
    Discarded,
}

internal static class DeadLetterStatusNames
{
    /// <summary>The lower-case word the CLI prints: <c>waiting</c>, <c>redriven</c> or <c>discarded</c>.</summary>
    public static string ToText(this DeadLetterStatus status) => status switch
    {
        DeadLetterStatus.Redriven => "redriven",
        DeadLetterStatus.Discarded => "discarded",
        _ => "waiting",
    };

    /// <summary>How a set of resolved dead letters was resolved: <c>redriven</c>, <c>discarded</c>, or <c>redriven or discarded</c>.</summary>
    public static string Describe(IEnumerable<DeadLetterStatus> statuses)
    {
        var distinct = statuses.Distinct().ToList();
        return distinct.Count == 1 ? distinct[0].ToText() : "redriven or discarded";
    }
}
