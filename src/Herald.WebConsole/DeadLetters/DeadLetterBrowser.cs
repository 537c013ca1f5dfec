using Confluent.Kafka;
using Herald.Broker;
using Herald.DeadLetters;
using Herald.Protocol.Records;
using Herald.WebConsole.Logs;

namespace Herald.WebConsole.DeadLetters;

/// <summary>A dead letter as listed: headers and key, its payload's size (not the payload), and whether it still waits.</summary>
internal sealed record DeadLetterRow(DeadLetter Letter, DeadLetterStatus Status, int? PayloadLength);

/// <summary>One page of a dead-letter partition, newest first.</summary>
/// <param name="Rows">At most the page size, newest first.</param>
/// <param name="OlderBefore">The <c>before</c> offset of the next (older) page, or <see langword="null"/> at the start of the log.</param>
/// <param name="Unreadable">Records skipped because their batch is compressed with a codec the console does not decode.</param>
/// <param name="Scanned">Records looked at, including resolved ones that were not shown.</param>
internal sealed record DeadLetterPage(IReadOnlyList<DeadLetterRow> Rows, long? OlderBefore, long Unreadable, long Scanned);

/// <summary>Reads dead letters in-process from the broker's log, always bounded: a page, one record, or at most N waiting ones.</summary>
internal sealed class DeadLetterBrowser(KafkaBroker broker, ResolvedDeadLetters resolved)
{
    /// <summary>Most records one page looks at to find its waiting dead letters; the page links on from where it stopped.</summary>
    public const int ScanLimit = 5_000;

    private const int Window = 100;

    /// <summary>The partition count of <paramref name="dlqTopic"/>, or <see langword="null"/> when no such topic exists.</summary>
    public int? PartitionCount(string dlqTopic) => broker.Topics.Find(dlqTopic)?.PartitionCount;

    /// <summary>
    /// Up to <paramref name="pageSize"/> dead letters of one partition with offsets below <paramref name="before"/>
    /// (default: the end), newest first; resolved ones only when <paramref name="includeResolved"/>.
    /// </summary>
    public DeadLetterPage ReadPage(string dlqTopic, int partition, long? before, int pageSize, bool includeResolved)
    {
        if (broker.Topics.FindPartition(dlqTopic, partition) is not { } log)
        {
            return new DeadLetterPage([], null, 0, 0);
        }

        var statuses = resolved.For(dlqTopic);
        var start = log.LogStartOffset;
        var high = Math.Min(before ?? long.MaxValue, log.LogEndOffset);
        var rows = new List<DeadLetterRow>();
        long unreadable = 0, scanned = 0;
        while (high > start && rows.Count < pageSize && scanned < ScanLimit)
        {
            var low = Math.Max(start, high - Window);
            var window = new List<DeadLetterRow>();
            var progress = PartitionReader.Read(log, low, high, long.MaxValue, record =>
            {
                scanned++;
                var status = statuses.GetValueOrDefault((partition, record.Offset));
                if (includeResolved || status == DeadLetterStatus.Waiting)
                {
                    window.Add(new DeadLetterRow(ToDeadLetter(dlqTopic, partition, record, withPayload: false), status, record.Value?.Length));
                }
            });
            unreadable += progress.Unreadable;
            window.Reverse();
            foreach (var row in window)
            {
                if (rows.Count == pageSize)
                {
                    break;
                }

                rows.Add(row);
            }

            high = rows.Count == pageSize ? rows[^1].Letter.Offset : low;
        }

        return new DeadLetterPage(rows, high > start ? high : null, unreadable, scanned);
    }

    /// <summary>The dead letter at <paramref name="partition"/>:<paramref name="offset"/> (with its payload when asked), or <see langword="null"/>.</summary>
    public DeadLetter? ReadOne(string dlqTopic, int partition, long offset, bool withPayload)
    {
        if (broker.Topics.FindPartition(dlqTopic, partition) is not { } log || offset < 0)
        {
            return null;
        }

        DeadLetter? found = null;
        PartitionReader.Read(log, offset, offset + 1, long.MaxValue, record =>
        {
            if (record.Offset == offset)
            {
                found = ToDeadLetter(dlqTopic, partition, record, withPayload);
            }
        });
        return found;
    }

    /// <summary>
    /// The oldest waiting dead letters of <paramref name="dlqTopic"/> over all partitions (partition by partition), at
    /// most <paramref name="max"/>, without payloads; <c>More</c> says whether others wait beyond them.
    /// </summary>
    public (IReadOnlyList<DeadLetter> Letters, bool More) ReadWaiting(string dlqTopic, int max)
    {
        var letters = new List<DeadLetter>();
        if (broker.Topics.Find(dlqTopic) is not { } topic)
        {
            return (letters, false);
        }

        var statuses = resolved.For(dlqTopic);
        var more = false;
        for (var partition = 0; partition < topic.PartitionCount && !more; partition++)
        {
            var log = topic.Partitions[partition];
            var position = log.LogStartOffset;
            var end = log.LogEndOffset;
            while (position < end && !more)
            {
                // Resolved dead letters are known without reading them: skip runs of them.
                while (position < end && statuses.ContainsKey((partition, position)))
                {
                    position++;
                }

                var high = Math.Min(end, position + Window);
                var progress = PartitionReader.Read(log, position, high, long.MaxValue, record =>
                {
                    if (!statuses.ContainsKey((partition, record.Offset)))
                    {
                        if (letters.Count == max)
                        {
                            more = true;
                            return;
                        }

                        letters.Add(ToDeadLetter(dlqTopic, partition, record, withPayload: false));
                    }
                });
                position = Math.Max(high, progress.Next);
            }
        }

        return (letters, more);
    }

    /// <summary>Copies a record out of the pooled read buffer into the SDK's dead-letter type (Confluent headers).</summary>
    private static DeadLetter ToDeadLetter(string dlqTopic, int partition, BatchRecord record, bool withPayload) => new(
        dlqTopic,
        partition,
        record.Offset,
        new Timestamp(record.Timestamp, Confluent.Kafka.TimestampType.CreateTime),
        record.Key?.ToArray(),
        withPayload ? record.Value?.ToArray() : null,
        record.Headers.Select(h => (IHeader)new Header(h.Key, h.Value)).ToList());
}
