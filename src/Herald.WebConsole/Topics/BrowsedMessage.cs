namespace Herald.WebConsole.Topics;

/// <summary>One record as the browser shows it.</summary>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset.</param>
/// <param name="Timestamp">Its timestamp (the producer's CreateTime, or the broker's LogAppendTime); null when it has none.</param>
/// <param name="Key">The decoded key.</param>
/// <param name="Value">The decoded value, PII-marked fields masked.</param>
/// <param name="Headers">Header keys and values as text, in order.</param>
public sealed record BrowsedMessage(
    int Partition,
    long Offset,
    DateTimeOffset? Timestamp,
    DecodedPayload Key,
    DecodedPayload Value,
    IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>Whether <paramref name="search"/> occurs, ignoring case, in the key, the value, a header key or a header value.</summary>
    public bool Matches(string search) =>
        Key.Contains(search) || Value.Contains(search)
        || Headers.Any(h => h.Key.Contains(search, StringComparison.OrdinalIgnoreCase) || h.Value.Contains(search, StringComparison.OrdinalIgnoreCase));
}
