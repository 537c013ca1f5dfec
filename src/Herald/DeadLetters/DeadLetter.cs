using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Herald.DeadLetters;

/// <summary>One record of a dead-letter topic, as read, with its headers decoded as UTF-8.</summary>
/// <remarks>
/// Shared by <c>herald dlq</c> (which reads it with a Confluent consumer) and the web console (which reads the broker's
/// log in-process), so both show, redrive and discard the same way.
/// </remarks>
internal sealed class DeadLetter(string topic, int partition, long offset, Timestamp timestamp, byte[]? key, byte[]? value, IReadOnlyList<IHeader> headers)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Topic { get; } = topic;

    public int Partition { get; } = partition;

    public long Offset { get; } = offset;

    public Timestamp Timestamp { get; } = timestamp;

    public byte[]? Key { get; } = key;

    public byte[]? Value { get; } = value;

    public IReadOnlyList<IHeader> Headers { get; } = headers;

    /// <summary><c>{dlq topic}:{partition}:{offset}</c>, the value of <see cref="DeadLetterHeaders.RedrivenFrom"/>.</summary>
    public string Address => $"{Topic}:{Partition.ToString(CultureInfo.InvariantCulture)}:{Offset.ToString(CultureInfo.InvariantCulture)}";

    public string? Reason => Header(DeadLetterHeaders.Reason);

    public string? ExceptionType => Header(DeadLetterHeaders.ExceptionType);

    public string? ExceptionMessage => Header(DeadLetterHeaders.ExceptionMessage);

    public string? ConsumerGroup => Header(DeadLetterHeaders.ConsumerGroup);

    public string? FailedAt => Header(DeadLetterHeaders.FailedAt);

    public string? OriginalTopic => Header(DeadLetterHeaders.OriginalTopic) is { Length: > 0 } value ? value : null;

    public int? Attempts => int.TryParse(Header(DeadLetterHeaders.Attempts), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public int? OriginalPartition => int.TryParse(Header(DeadLetterHeaders.OriginalPartition), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public long? OriginalOffset => long.TryParse(Header(DeadLetterHeaders.OriginalOffset), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Whether <paramref name="name"/> is one of the headers the SDK adds when it dead-letters a record.</summary>
    public static bool IsDeadLetterHeader(string name) => name.StartsWith("herald.dlq.", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="name"/> is a header an earlier redrive added.</summary>
    public static bool IsRedriveHeader(string name) => name.StartsWith("herald.redrive.", StringComparison.Ordinal);

    public static DeadLetter From(ConsumeResult<byte[], byte[]> record) => new(
        record.Topic,
        record.Partition.Value,
        record.Offset.Value,
        record.Message.Timestamp,
        record.Message.Key,
        record.Message.Value,
        record.Message.Headers?.ToList() ?? []);

    /// <summary>The last value of header <paramref name="name"/> as UTF-8 text, or <see langword="null"/>.</summary>
    public string? Header(string name)
    {
        for (var i = Headers.Count - 1; i >= 0; i--)
        {
            if (Headers[i].Key == name)
            {
                return Headers[i].GetValueBytes() is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
            }
        }

        return null;
    }

    /// <summary>Bytes as UTF-8 text when they are valid UTF-8, otherwise base64; <see langword="null"/> stays null.</summary>
    public static EncodedBytes? Encode(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return new EncodedBytes("utf-8", StrictUtf8.GetString(bytes), bytes.Length);
        }
        catch (DecoderFallbackException)
        {
            return new EncodedBytes("base64", Convert.ToBase64String(bytes), bytes.Length);
        }
    }
}
