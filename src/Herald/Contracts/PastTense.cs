namespace Herald.Contracts;

/// <summary>Whether a type name reads as a past-tense fact (<c>OrderCreated</c>), not a command (<c>CreateOrder</c>).</summary>
internal static class PastTense
{
    // Irregular past participles common in event names; regular verbs end in "ed".
    private static readonly HashSet<string> Irregular = new(StringComparer.OrdinalIgnoreCase)
    {
        "Sent", "Paid", "Built", "Made", "Done", "Won", "Lost", "Held", "Sold", "Bought", "Begun", "Run", "Set", "Put",
        "Cut", "Read", "Left", "Met", "Kept", "Found", "Given", "Taken", "Written", "Spent", "Split", "Shut", "Quit",
        "Hidden", "Chosen", "Frozen", "Broken", "Forgotten", "Drawn", "Shown", "Known", "Thrown", "Withdrawn", "Undone",
        "Rebuilt", "Resent", "Reset", "Overpaid", "Underpaid", "Prepaid", "Upheld", "Bound", "Sunk", "Won", "Dealt",
    };

    public static bool IsPastTense(string typeName)
    {
        var name = typeName.Split('`')[0];
        if (name.EndsWith("Event", StringComparison.Ordinal) && name.Length > 5)
        {
            name = name[..^5];
        }

        int lastWord = name.Length - 1;
        while (lastWord > 0 && !char.IsUpper(name[lastWord]))
        {
            lastWord--;
        }

        var word = name[lastWord..];
        return word.EndsWith("ed", StringComparison.Ordinal) || Irregular.Contains(word);
    }
}
