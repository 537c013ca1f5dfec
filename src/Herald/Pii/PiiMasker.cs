namespace Herald.Pii;

/// <summary>Masks PII values in text (exception messages, log arguments) before it leaves the SDK.</summary>
public static class PiiMasker
{
    /// <summary>The replacement for a masked value.</summary>
    public const string Mask = "***";

    /// <summary>Replaces every occurrence of each value in <paramref name="values"/> within <paramref name="text"/>.</summary>
    public static string Apply(string? text, IEnumerable<string> values)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        // Longest first, so a value that contains another is masked whole.
        foreach (var value in values.Where(v => v.Length > 0).OrderByDescending(v => v.Length))
        {
            text = text.Replace(value, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
