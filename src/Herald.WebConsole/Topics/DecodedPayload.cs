namespace Herald.WebConsole.Topics;

/// <summary>A record key, value or header value as the message browser shows it.</summary>
/// <param name="Text">The text to show and search: JSON, plain text, base64, or <c>(null)</c>.</param>
/// <param name="Format">How it was read, e.g. <c>JSON Schema #3 orders-value v2</c>, <c>Avro #5 …</c>, <c>JSON</c>, <c>text</c>, <c>base64</c>.</param>
/// <param name="MaskedFields">How many PII-marked fields were replaced by <c>***</c>.</param>
/// <param name="Note">Why a registry-framed value was not decoded, or what its format cannot show; null when nothing to say.</param>
public sealed record DecodedPayload(string Text, string Format, int MaskedFields = 0, string? Note = null)
{
    /// <summary>A Kafka null.</summary>
    public static readonly DecodedPayload Null = new("(null)", "null");

    /// <summary>Whether <paramref name="search"/> occurs in <see cref="Text"/>, ignoring case.</summary>
    public bool Contains(string search) => Text.Contains(search, StringComparison.OrdinalIgnoreCase);
}
