using System.Globalization;

namespace Herald.WebConsole.Topics;

/// <summary>Where the message browser starts reading.</summary>
public enum BrowseStart
{
    /// <summary>The newest records, read backwards from the end (or from <see cref="BrowseQuery.Before"/>).</summary>
    Newest,

    /// <summary>Forwards from an offset.</summary>
    Offset,

    /// <summary>Forwards from the first record at or after a time.</summary>
    Timestamp,
}

/// <summary>What the message browser was asked for: the topic page's query string, parsed and bounded.</summary>
/// <remarks>
/// Every field comes from a GET form, so a browse is a URL that can be bookmarked and works without JavaScript. Numbers
/// out of range are clamped to the bounds below rather than refused; text that is not a number is refused with a message.
/// </remarks>
public sealed record BrowseQuery
{
    /// <summary>Records shown when the query does not say: the newest 20.</summary>
    public const int DefaultCount = 20;

    /// <summary>The most records one page shows.</summary>
    public const int MaxCount = 200;

    /// <summary>The most records one request scans, whatever the query asks: a large topic never freezes the page.</summary>
    public const int MaxScanRecords = 5_000;

    /// <summary>The most batch bytes one request reads.</summary>
    public const int MaxScanBytes = 8 << 20;

    /// <summary>The longest search text.</summary>
    public const int MaxSearchLength = 200;

    /// <summary>One partition, or null for all.</summary>
    public int? Partition { get; init; }

    /// <summary>Where to start.</summary>
    public BrowseStart From { get; init; } = BrowseStart.Newest;

    /// <summary>The first offset to read, with <see cref="BrowseStart.Offset"/>.</summary>
    public long Offset { get; init; }

    /// <summary>The time to start from, with <see cref="BrowseStart.Timestamp"/>.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>With <see cref="BrowseStart.Newest"/> on one partition: read only offsets below this (the "older" link).</summary>
    public long? Before { get; init; }

    /// <summary>How many matching records to show, 1 to <see cref="MaxCount"/>.</summary>
    public int Count { get; init; } = DefaultCount;

    /// <summary>Text to find, case-insensitively, in the key, the value or a header; null to show every record.</summary>
    public string? Search { get; init; }

    /// <summary>The most records to scan, 1 to <see cref="MaxScanRecords"/>.</summary>
    public int ScanLimit { get; init; } = MaxScanRecords;

    /// <summary>Parses the topic page's query string values; returns null and a message when one is not understood.</summary>
    public static BrowseQuery? Parse(
        string? partition, string? from, string? offset, string? time, string? before, string? count, string? search, string? scan, int partitionCount, out string? error)
    {
        error = null;
        var query = new BrowseQuery
        {
            Count = Clamp(count, DefaultCount, 1, MaxCount),
            ScanLimit = Clamp(scan, MaxScanRecords, 1, MaxScanRecords),
            Search = string.IsNullOrWhiteSpace(search) ? null : search.Trim()[..Math.Min(search.Trim().Length, MaxSearchLength)],
        };

        if (!string.IsNullOrEmpty(partition) && partition != "all")
        {
            if (!int.TryParse(partition, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p >= partitionCount)
            {
                error = $"Partition '{partition}' does not exist: this topic has partitions 0 to {partitionCount - 1}.";
                return null;
            }

            query = query with { Partition = p };
        }

        switch (from)
        {
            case null or "" or "newest":
                if (!string.IsNullOrEmpty(before))
                {
                    if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
                    {
                        error = $"'{before}' is not an offset.";
                        return null;
                    }

                    query = query with { Before = b };
                }

                return query;
            case "offset":
                if (!long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var o))
                {
                    error = string.IsNullOrEmpty(offset) ? "Give an offset to start from." : $"'{offset}' is not an offset: use a whole number, 0 or more.";
                    return null;
                }

                return query with { From = BrowseStart.Offset, Offset = o };
            case "time":
                if (ParseTime(time) is not { } t)
                {
                    error = string.IsNullOrEmpty(time) ? "Give a time to start from." : $"'{time}' is not a time: use yyyy-MM-ddTHH:mm[:ss] (UTC) or Unix milliseconds.";
                    return null;
                }

                return query with { From = BrowseStart.Timestamp, Timestamp = t };
            default:
                error = $"'{from}' is not a start: use newest, offset or time.";
                return null;
        }
    }

    private static DateTimeOffset? ParseTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;
    }

    private static int Clamp(string? text, int fallback, int min, int max) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? Math.Clamp(value, min, max) : fallback;
}
