namespace Herald.Registry.Compatibility;

/// <summary>Confluent's compatibility levels.</summary>
public enum CompatibilityLevel
{
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

/// <summary>Conversions between <see cref="CompatibilityLevel"/> and Confluent's names (<c>BACKWARD_TRANSITIVE</c>, ...).</summary>
public static class CompatibilityLevels
{
    public static string ToWireName(this CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        CompatibilityLevel.FullTransitive => "FULL_TRANSITIVE",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    /// <summary>Parses <c>BACKWARD</c>, <c>full_transitive</c>, <c>backward-transitive</c>...; false for anything else.</summary>
    public static bool TryParse(string? text, out CompatibilityLevel level)
    {
        level = CompatibilityLevel.Backward;
        if (text is null)
        {
            return false;
        }

        switch (text.Trim().Replace('-', '_').ToUpperInvariant())
        {
            case "NONE": level = CompatibilityLevel.None; return true;
            case "BACKWARD": level = CompatibilityLevel.Backward; return true;
            case "BACKWARD_TRANSITIVE": level = CompatibilityLevel.BackwardTransitive; return true;
            case "FORWARD": level = CompatibilityLevel.Forward; return true;
            case "FORWARD_TRANSITIVE": level = CompatibilityLevel.ForwardTransitive; return true;
            case "FULL": level = CompatibilityLevel.Full; return true;
            case "FULL_TRANSITIVE": level = CompatibilityLevel.FullTransitive; return true;
            default: return false;
        }
    }

    public static bool IsTransitive(this CompatibilityLevel level) =>
        level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;

    public static bool ChecksBackward(this CompatibilityLevel level) =>
        level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

    public static bool ChecksForward(this CompatibilityLevel level) =>
        level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
}
