using System.Globalization;
using Herald.Broker.Log;
using Herald.Broker.Topics;
using Herald.Protocol;
using Herald.Protocol.Records;
using Herald.Registry;

namespace Herald.WebConsole.Topics;

/// <summary>
/// Reads a topic's records in-process from its <see cref="PartitionLog"/>s for the message browser, within a fixed bound:
/// at most <see cref="BrowseQuery.ScanLimit"/> records (never more than <see cref="BrowseQuery.MaxScanRecords"/>) and
/// <see cref="BrowseQuery.MaxScanBytes"/> of batches per request, so a large topic never freezes the page.
/// </summary>
/// <remarks>
/// <para>
/// <b>Newest</b> reads each partition backwards in windows ending at its end offset (a window of exactly the records
/// still wanted, or 500 when searching), partitions most recently appended first, and shows the newest matches across
/// them by timestamp. <b>From offset</b> and <b>from time</b> read forwards, the time resolved to an offset by the
/// partition's time index. Partitions take turns, so one busy partition cannot use the whole bound.
/// </para>
/// <para>
/// The search is a fixed predicate: a case-insensitive substring of the key, the value or a header, as displayed —
/// decoded through the registry and with PII-marked fields already masked, so a search cannot reveal a masked value.
/// </para>
/// </remarks>
internal sealed class MessageBrowser
{
    private const int ReadChunkBytes = 1 << 20;
    private const int SearchWindow = 500;

    private readonly PayloadDecoder _decoder;
    private readonly BrowseQuery _query;
    private readonly List<BatchRecord> _records = [];
    private readonly SortedSet<string> _notes = new(StringComparer.Ordinal);
    private int _scanned;
    private long _bytesRead;
    private bool _cutShort;

    private MessageBrowser(SchemaRegistry registry, BrowseQuery query)
    {
        _decoder = new PayloadDecoder(registry);
        _query = query;
    }

    private int ScanLeft => Math.Min(_query.ScanLimit, BrowseQuery.MaxScanRecords) - _scanned;

    private bool Exhausted => ScanLeft <= 0 || _bytesRead >= BrowseQuery.MaxScanBytes;

    /// <summary>Runs <paramref name="query"/> on <paramref name="topic"/>.</summary>
    public static BrowseResult Browse(Topic topic, BrowseQuery query, SchemaRegistry registry) => new MessageBrowser(registry, query).Run(topic);

    private BrowseResult Run(Topic topic)
    {
        var partitions = _query.Partition is { } only ? [only] : Enumerable.Range(0, topic.PartitionCount);
        var cursors = partitions
            .Select(p => (Partition: p, Log: topic.Partition(p)))
            .Where(p => p.Log is not null)
            .OrderByDescending(p => p.Log!.LastAppendTimeMs)
            .Select(p => Open(p.Partition, p.Log!))
            .ToList();

        while (!Exhausted && cursors.Where(c => !c.Done).ToList() is { Count: > 0 } active)
        {
            foreach (var cursor in active)
            {
                if (Exhausted)
                {
                    break;
                }

                if (_query.From == BrowseStart.Newest)
                {
                    StepBackwards(cursor);
                }
                else
                {
                    StepForwards(cursor);
                }
            }
        }

        var newest = _query.From == BrowseStart.Newest;
        var single = cursors.Count == 1;
        var found = cursors.SelectMany(c => c.Found);
        var ordered = (newest, single) switch
        {
            (true, true) => found.OrderByDescending(m => m.Offset),
            (true, false) => found.OrderByDescending(m => m.Timestamp).ThenBy(m => m.Partition).ThenByDescending(m => m.Offset),
            (false, true) => found.OrderBy(m => m.Offset),
            (false, false) => found.OrderBy(m => m.Timestamp).ThenBy(m => m.Partition).ThenBy(m => m.Offset),
        };
        var shown = ordered.Take(_query.Count).ToList();
        var stopped = _cutShort || (Exhausted && cursors.Any(c => !c.Done));
        return new BrowseResult(shown, _scanned, _bytesRead, stopped, single ? Continuation(cursors[0], shown) : null, [.. _notes]);
    }

    private Cursor Open(int partition, PartitionLog log)
    {
        var start = log.LogStartOffset;
        var end = log.LogEndOffset;
        var cursor = new Cursor(partition, log, _query.From, _query.Count) { Lower = start, Upper = end, Next = end, End = end };
        switch (_query.From)
        {
            case BrowseStart.Newest:
                cursor.Upper = Math.Clamp(_query.Before ?? end, start, end);
                break;
            case BrowseStart.Offset:
                if (_query.Offset < start)
                {
                    _notes.Add(string.Create(CultureInfo.InvariantCulture, $"Offset {_query.Offset} is below the log start of partition {partition} ({start}): read from {start}."));
                }

                cursor.Next = Math.Clamp(_query.Offset, start, end);
                break;
            case BrowseStart.Timestamp:
                var offset = log.FindOffsetForTimestamp(_query.Timestamp.ToUnixTimeMilliseconds());
                cursor.Next = offset < 0 ? end : Math.Clamp(offset, start, end);
                break;
        }

        return cursor;
    }

    private void StepBackwards(Cursor cursor)
    {
        var wanted = _query.Search is null ? Math.Max(1, _query.Count - cursor.Found.Count) : SearchWindow;
        var window = (int)Math.Min(Math.Min(wanted, ScanLeft), cursor.Upper - cursor.Lower);
        var from = cursor.Upper - window;
        var stoppedAt = Scan(cursor, from, cursor.Upper, window, int.MaxValue);
        if (stoppedAt >= cursor.Upper)
        {
            cursor.Upper = from;
        }
        else
        {
            // Cut short by the byte bound (or a log that would not advance): the window is read again by the "older" link.
            cursor.Stalled = true;
            _cutShort |= _bytesRead >= BrowseQuery.MaxScanBytes;
        }
    }

    private void StepForwards(Cursor cursor)
    {
        var next = Scan(cursor, cursor.Next, cursor.End, Math.Min(SearchWindow, ScanLeft), _query.Count - cursor.Found.Count);
        cursor.Stalled = next == cursor.Next;
        cursor.Next = next;
    }

    /// <summary>Tests the records in [from, to) in offset order until <paramref name="maxRecords"/> are scanned or <paramref name="maxMatches"/> match; returns the first offset not scanned.</summary>
    private long Scan(Cursor cursor, long from, long to, int maxRecords, int maxMatches)
    {
        var position = from;
        int scanned = 0, matches = 0;
        while (position < to && scanned < maxRecords && matches < maxMatches && _bytesRead < BrowseQuery.MaxScanBytes)
        {
            var maxBytes = (int)Math.Min(BrowseQuery.MaxScanBytes - _bytesRead, EstimateBytes(cursor.Log, Math.Min(to - position, maxRecords - scanned)));
            using var read = cursor.Log.Read(position, maxBytes);
            if (read.Error != ErrorCode.None)
            {
                if (position < read.LogStartOffset)
                {
                    // Retention removed what we were about to read.
                    position = read.LogStartOffset;
                    continue;
                }

                break;
            }

            if (read.Records.IsEmpty)
            {
                break;
            }

            _bytesRead += read.Records.Length;
            var before = position;
            var batches = read.Records;
            while (RecordBatchHeader.TryParse(batches.Span, out var header) && header.TotalSize <= batches.Length && header.BaseOffset < to)
            {
                var batch = batches[..header.TotalSize];
                batches = batches[header.TotalSize..];
                if (header.LastOffset < position)
                {
                    continue;
                }

                if (header.IsControl)
                {
                    position = Math.Min(header.LastOffset + 1, to);
                    continue;
                }

                _records.Clear();
                if (!RecordReader.TryRead(batch, _records))
                {
                    _notes.Add(header.Compression is CompressionType.None or CompressionType.Gzip
                        ? "A malformed batch was skipped."
                        : $"Batches compressed with {header.Compression} were skipped: the browser reads uncompressed and gzip batches.");
                    position = Math.Min(header.LastOffset + 1, to);
                    continue;
                }

                foreach (var record in _records)
                {
                    if (record.Offset < position || record.Offset >= to)
                    {
                        continue;
                    }

                    if (scanned >= maxRecords || matches >= maxMatches)
                    {
                        return position;
                    }

                    scanned++;
                    _scanned++;
                    position = record.Offset + 1;
                    var message = ToMessage(cursor.Partition, record);
                    if (_query.Search is not { } search || message.Matches(search))
                    {
                        cursor.Found.Add(message);
                        matches++;
                    }
                }

                position = Math.Max(position, Math.Min(header.LastOffset + 1, to));
            }

            if (position == before)
            {
                break;
            }
        }

        return Math.Min(position, to);
    }

    private BrowsedMessage ToMessage(int partition, BatchRecord record)
    {
        var headers = record.Headers.Count == 0 ? []
            : record.Headers.Select(h => new KeyValuePair<string, string>(h.Key, PayloadDecoder.HeaderText(h.Value))).ToList();
        return new BrowsedMessage(
            partition,
            record.Offset,
            record.Timestamp >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(record.Timestamp) : null,
            _decoder.Decode(record.Key),
            _decoder.Decode(record.Value),
            headers);
    }

    private long? Continuation(Cursor cursor, List<BrowsedMessage> shown)
    {
        if (_query.From != BrowseStart.Newest)
        {
            return cursor.Next < cursor.End ? cursor.Next : null;
        }

        if (shown.Count < cursor.Found.Count)
        {
            return shown[^1].Offset;
        }

        return cursor.Upper > cursor.Lower ? cursor.Upper : null;
    }

    /// <summary>Bytes likely to hold <paramref name="records"/> records of this partition, from its average record size, so a read of 20 records does not pull a megabyte.</summary>
    private static long EstimateBytes(PartitionLog log, long records)
    {
        var count = log.LogEndOffset - log.LogStartOffset;
        var average = count > 0 ? Math.Max(1, log.SizeInBytes / count) : 1024;
        return Math.Clamp((average * records * 5 / 4) + 4096, 16 << 10, ReadChunkBytes);
    }

    /// <summary>Where one partition's scan stands.</summary>
    private sealed class Cursor(int partition, PartitionLog log, BrowseStart from, int count)
    {
        public int Partition { get; } = partition;

        public PartitionLog Log { get; } = log;

        public List<BrowsedMessage> Found { get; } = [];

        /// <summary>Newest: the lowest offset to read.</summary>
        public long Lower { get; set; }

        /// <summary>Newest: everything at or above this was read (or is past the end).</summary>
        public long Upper { get; set; }

        /// <summary>Forwards: the next offset to read.</summary>
        public long Next { get; set; }

        /// <summary>Forwards: the end offset when the browse began.</summary>
        public long End { get; set; }

        /// <summary>The log stopped advancing (or the byte bound cut a window): no more from this partition in this request.</summary>
        public bool Stalled { get; set; }

        public bool Done => Stalled || Found.Count >= count || (from == BrowseStart.Newest ? Upper <= Lower : Next >= End);
    }
}
