namespace Herald.DeadLetters;

/// <summary>Bytes shown as text: <see cref="Encoding"/> is <c>utf-8</c> or <c>base64</c>.</summary>
internal sealed record EncodedBytes(string Encoding, string Text, int Length);
