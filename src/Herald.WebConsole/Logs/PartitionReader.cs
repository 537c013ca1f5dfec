using Herald.Broker.Log;
using Herald.Protocol;
using Herald.Protocol.Records;

namespace Herald.WebConsole.Logs;

/// <summary>How far a bounded read of a partition got.</summary>
/// <param name="Next">The offset to continue from: past the last record read.</param>
/// <param name="Unreadable">Records skipped because their batch is compressed with a codec the in-process reader does not decode (snappy, lz4, zstd).</param>
/// <param name="BudgetSpent">True when the read stopped at its byte budget before reaching the end of its range.</param>
internal readonly record struct ReadProgress(long Next, long Unreadable, bool BudgetSpent);

/// <summary>
/// Reads records of one partition in-process, straight from the broker's log, within an offset range and a byte budget,
/// so a page never scans a whole topic.
/// </summary>
internal static class PartitionReader
{
    private const int ReadBytes = 1 << 20;

    /// <summary>
    /// Calls <paramref name="visit"/> for each record with an offset in [<paramref name="from"/>, <paramref name="to"/>),
    /// in offset order, until the range ends or about <paramref name="byteBudget"/> bytes of batches were read.
    /// </summary>
    /// <remarks>
    /// The keys, values and headers <paramref name="visit"/> sees live in a pooled buffer: copy what is kept. Control
    /// batches (transaction markers) are skipped.
    /// </remarks>
    public static ReadProgress Read(PartitionLog log, long from, long to, long byteBudget, Action<BatchRecord> visit)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(visit);
        var position = Math.Max(from, log.LogStartOffset);
        to = Math.Min(to, log.LogEndOffset);
        long unreadable = 0, spent = 0;
        var records = new List<BatchRecord>();
        while (position < to)
        {
            if (spent >= byteBudget)
            {
                return new ReadProgress(position, unreadable, BudgetSpent: true);
            }

            using var read = log.Read(position, ReadBytes);
            if (read.Error == ErrorCode.OffsetOutOfRange && read.LogStartOffset > position)
            {
                // Retention deleted the start of the range meanwhile.
                position = read.LogStartOffset;
                continue;
            }

            if (read.Error != ErrorCode.None || read.Records.IsEmpty)
            {
                break;
            }

            spent += read.Records.Length;
            var batches = read.Records;
            var before = position;
            while (position < to && RecordBatchHeader.TryParse(batches.Span, out var header) && header.TotalSize <= batches.Length)
            {
                var batch = batches[..header.TotalSize];
                batches = batches[header.TotalSize..];
                if (header.LastOffset < position || header.IsControl)
                {
                    position = Math.Max(position, header.LastOffset + 1);
                    continue;
                }

                records.Clear();
                if (!RecordReader.TryRead(batch, records))
                {
                    unreadable += Math.Min(header.LastOffset + 1, to) - Math.Max(header.BaseOffset, position);
                }

                foreach (var record in records)
                {
                    if (record.Offset >= position && record.Offset < to)
                    {
                        visit(record);
                    }
                }

                position = Math.Max(position, header.LastOffset + 1);
            }

            if (position == before)
            {
                break;
            }
        }

        return new ReadProgress(Math.Max(position, from), unreadable, BudgetSpent: false);
    }
}
