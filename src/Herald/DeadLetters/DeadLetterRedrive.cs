using System.Text;
using Confluent.Kafka;

namespace Herald.DeadLetters;

/// <summary>What a redrive re-publishes: the dead letter's key, value and original headers, to its original topic.</summary>
internal static class DeadLetterRedrive
{
    /// <summary>
    /// Why <paramref name="letter"/> cannot be redriven (no <see cref="DeadLetterHeaders.OriginalTopic"/> header), or
    /// <see langword="null"/> when it can.
    /// </summary>
    public static string? Refusal(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return letter.OriginalTopic is null
            ? $"dead letter {letter.Address} has no {DeadLetterHeaders.OriginalTopic} header; cannot tell where to redrive it"
            : null;
    }

    /// <summary>
    /// The record to publish to <see cref="DeadLetter.OriginalTopic"/>: key and value as they were, every header except
    /// the dead-letter ones and those of an earlier redrive, then <see cref="DeadLetterHeaders.RedrivenFrom"/> and
    /// <see cref="DeadLetterHeaders.RedriveReason"/>.
    /// </summary>
    public static Message<byte[], byte[]> ToMessage(DeadLetter letter, string reason)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(reason);
        var headers = new Headers();
        foreach (var header in letter.Headers.Where(h => !DeadLetter.IsDeadLetterHeader(h.Key) && !DeadLetter.IsRedriveHeader(h.Key)))
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(DeadLetterHeaders.RedrivenFrom, Encoding.UTF8.GetBytes(letter.Address));
        headers.Add(DeadLetterHeaders.RedriveReason, Encoding.UTF8.GetBytes(reason));
        return new Message<byte[], byte[]> { Key = letter.Key!, Value = letter.Value!, Headers = headers };
    }
}
