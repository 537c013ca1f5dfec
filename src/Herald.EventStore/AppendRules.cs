using System.Text.RegularExpressions;

namespace Herald.EventStore;

/// <summary>The checks both stores make the same way: ids, sizes, expected versions, idempotent re-appends.</summary>
internal static partial class AppendRules
{
    public static void ValidateStreamId(string streamId, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        if (streamId.Length == 0)
        {
            throw new EventStoreException("a stream id must not be empty");
        }

        if (streamId.Length > options.MaxStreamIdLength)
        {
            throw new EventStoreException($"stream id '{streamId[..Math.Min(32, streamId.Length)]}…' is {streamId.Length} characters long; the limit is {options.MaxStreamIdLength}");
        }

        for (var i = 0; i < streamId.Length; i++)
        {
            if (char.IsControl(streamId[i]))
            {
                throw new EventStoreException($"stream id '{Printable(streamId)}' has a control character (U+{(int)streamId[i]:X4}) at index {i}");
            }
        }
    }

    public static void ValidateEvents(IReadOnlyList<EventData> events, EventStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ids = new HashSet<Guid>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new EventStoreException($"event {i} of the batch is null");
            if (string.IsNullOrEmpty(e.EventType))
            {
                throw new EventStoreException($"event {i} of the batch ({e.EventId}) has no event type");
            }

            var size = (long)e.Data.Length + (e.Metadata?.Length ?? 0);
            if (size > options.MaxEventBytes)
            {
                throw new EventStoreException($"event {i} of the batch ({e.EventId}, {e.EventType}) is {size} bytes of data and metadata; the limit is {options.MaxEventBytes}");
            }

            if (!ids.Add(e.EventId))
            {
                throw new EventStoreException($"event {i} of the batch repeats event id {e.EventId}");
            }
        }
    }

    /// <summary>Throws unless a stream at <paramref name="actual"/> (0 = no stream) satisfies <paramref name="expected"/>.</summary>
    public static void CheckExpected(string streamId, ExpectedVersion expected, long actual)
    {
        var ok = expected.Value switch
        {
            -1 => true,
            -2 => actual == 0,
            -3 => actual > 0,
            _ => actual == expected.Value,
        };
        if (!ok)
        {
            throw new WrongExpectedVersionException(streamId, expected, actual);
        }
    }

    /// <summary>
    /// Decides a re-append: null when no event of the batch is stored yet; the original result when all are;
    /// an <see cref="EventStoreException"/> when only some are (appends are atomic, so that is a different batch reusing ids).
    /// </summary>
    public static AppendResult? Idempotent(string streamId, IReadOnlyList<EventData> events, IReadOnlyDictionary<Guid, (long Version, long Position)> stored)
    {
        if (stored.Count == 0)
        {
            return null;
        }

        if (stored.Count == events.Count)
        {
            var last = stored.Values.MaxBy(v => v.Version);
            return new AppendResult(last.Version, last.Position);
        }

        var first = events.Select((e, i) => (e, i)).First(x => stored.ContainsKey(x.e.EventId));
        throw new EventStoreException(
            $"the batch for stream '{streamId}' mixes {stored.Count} event(s) already stored (event {first.i}, {first.e.EventId}, is version {stored[first.e.EventId].Version}) " +
            $"with {events.Count - stored.Count} new one(s); a re-append must repeat the original batch exactly");
    }

    /// <summary>Checks a table prefix: identifier characters, and on PostgreSQL optionally one <c>schema.</c> part.</summary>
    public static string ValidatePrefix(string prefix, bool allowSchema)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var valid = allowSchema ? SchemaPrefix().IsMatch(prefix) : PlainPrefix().IsMatch(prefix);
        return valid ? prefix : throw new ArgumentException($"table prefix '{prefix}' must be letters, digits and underscores{(allowSchema ? ", optionally after 'schema.'" : string.Empty)}", nameof(prefix));
    }

    private static string Printable(string value) =>
        string.Concat(value.Take(64).Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex PlainPrefix();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*\.)?([A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex SchemaPrefix();
}
