using System.Globalization;

namespace Herald.Cli.Groups;

/// <summary>Where <c>groups reset-offsets</c> moves a group: the log start, the log end, the first record at a time, or a shift.</summary>
internal abstract record ResetTarget
{
    /// <summary>The new committed offset of a partition; <see langword="null"/> to leave it alone.</summary>
    /// <param name="current">The group's committed offset there, or <see langword="null"/> when it never committed.</param>
    /// <param name="start">The first offset still in the log.</param>
    /// <param name="end">The offset the next record will get.</param>
    /// <param name="atTime">For <see cref="AtTime"/>: the first offset whose timestamp is at or after the time, or <see langword="null"/> when none is.</param>
    public abstract long? NewOffset(long? current, long start, long end, long? atTime);

    /// <summary>The first offset still in the log.</summary>
    public sealed record Earliest : ResetTarget
    {
        public override long? NewOffset(long? current, long start, long end, long? atTime) => start;

        public override string ToString() => "earliest";
    }

    /// <summary>The log end: the group skips everything not consumed yet.</summary>
    public sealed record Latest : ResetTarget
    {
        public override long? NewOffset(long? current, long start, long end, long? atTime) => end;

        public override string ToString() => "latest";
    }

    /// <summary>The first record at or after <see cref="Time"/>; the log end when every record is older.</summary>
    public sealed record AtTime(DateTimeOffset Time) : ResetTarget
    {
        public override long? NewOffset(long? current, long start, long end, long? atTime) => Math.Clamp(atTime ?? end, start, end);

        public override string ToString() => Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
    }

    /// <summary>The committed offset moved by <see cref="Shift"/> (negative to re-read), kept within the log; partitions never committed stay as they are.</summary>
    public sealed record ShiftBy(long Shift) : ResetTarget
    {
        public override long? NewOffset(long? current, long start, long end, long? atTime) =>
            current is { } from ? (long)Int128.Clamp((Int128)from + Shift, start, end) : null;

        public override string ToString() => $"shift-by {Shift.ToString(CultureInfo.InvariantCulture)}";
    }
}
