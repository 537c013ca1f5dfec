using System.Globalization;
using Herald.Broker;
using Herald.DeadLetters;
using Herald.WebConsole.Logs;

namespace Herald.WebConsole.Audit;

/// <summary>One page of the audit trail, newest first.</summary>
/// <param name="Entries">At most the page size, newest first.</param>
/// <param name="Older">The cursor of the next (older) page, or null when this page reaches the start of the log.</param>
/// <param name="Total">Records in the audit topic now (all partitions).</param>
/// <param name="Unreadable">Records skipped because their batch is compressed with a codec the console does not decode.</param>
internal sealed record AuditTrailPage(IReadOnlyList<AuditEntry> Entries, string? Older, long Total, long Unreadable);

/// <summary>Reads <c>herald.audit</c> in-process, newest first, a bounded page at a time.</summary>
internal sealed class AuditTrail(KafkaBroker broker)
{
    private const int Window = 100;

    /// <summary>
    /// Up to <paramref name="pageSize"/> audit records older than <paramref name="before"/> (a cursor from an earlier
    /// page; null for the newest), ordered by time, newest first.
    /// </summary>
    public AuditTrailPage ReadPage(string? before, int pageSize)
    {
        if (broker.Topics.Find(DeadLetterHeaders.AuditTopic) is not { } topic)
        {
            return new AuditTrailPage([], null, 0, 0);
        }

        var bounds = ParseCursor(before);
        var candidates = new List<AuditEntry>[topic.PartitionCount];
        var starts = new long[topic.PartitionCount];
        var highs = new long[topic.PartitionCount];
        long total = 0, unreadable = 0;
        for (var p = 0; p < topic.PartitionCount; p++)
        {
            var log = topic.Partitions[p];
            starts[p] = log.LogStartOffset;
            total += log.LogEndOffset - log.LogStartOffset;
            highs[p] = Math.Min(bounds.GetValueOrDefault(p, long.MaxValue), log.LogEndOffset);

            // Each partition contributes its newest pageSize records below its bound; the merge below keeps the newest overall.
            var found = new List<AuditEntry>();
            var high = highs[p];
            while (high > starts[p] && found.Count < pageSize)
            {
                var low = Math.Max(starts[p], high - Math.Max(Window, pageSize));
                var window = new List<AuditEntry>();
                var partition = p;
                unreadable += PartitionReader.Read(log, low, high, long.MaxValue, record => window.Add(AuditEntry.Parse(
                    partition,
                    record.Offset,
                    record.Timestamp,
                    record.Key is { } key ? key.Span : default,
                    record.Key is not null,
                    record.Value is { } value ? value.Span : default,
                    record.Value is not null))).Unreadable;
                window.Reverse();
                found.AddRange(window.Take(pageSize - found.Count));
                high = low;
            }

            candidates[p] = found;
        }

        // Merge the partitions newest first, each in its own offset order, so the cursor never skips a record.
        var heads = new int[candidates.Length];
        var page = new List<AuditEntry>();
        while (page.Count < pageSize)
        {
            var next = -1;
            for (var p = 0; p < candidates.Length; p++)
            {
                if (heads[p] < candidates[p].Count && (next < 0 || candidates[p][heads[p]].When > candidates[next][heads[next]].When))
                {
                    next = p;
                }
            }

            if (next < 0)
            {
                break;
            }

            var entry = candidates[next][heads[next]++];
            page.Add(entry);
            highs[next] = entry.Offset;
        }

        var more = Enumerable.Range(0, highs.Length).Any(p => highs[p] > starts[p]);
        var older = more ? string.Join(',', highs.Select((high, p) => $"{p.ToString(CultureInfo.InvariantCulture)}:{high.ToString(CultureInfo.InvariantCulture)}")) : null;
        return new AuditTrailPage(page, older, total, unreadable);
    }

    /// <summary><c>0:120,1:45</c> → partition → exclusive upper offset; anything malformed is ignored (the newest page).</summary>
    private static Dictionary<int, long> ParseCursor(string? cursor)
    {
        var bounds = new Dictionary<int, long>();
        foreach (var part in (cursor ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && int.TryParse(part.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                && long.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                bounds[partition] = offset;
            }
        }

        return bounds;
    }
}
