using System.Globalization;

namespace Herald.Broker.Groups;

/// <summary>
/// Where an offset reset moves a group on each partition: the log start, the log end, the first record at a time, or a
/// shift. <c>herald groups reset-offsets</c> and the console's reset both plan with it, so they agree.
/// </summary>
public abstract record OffsetResetTarget
{
    /// <summary>The new committed offset of a partition; <see langword="null"/> to leave it alone.</summary>
    /// <param name="current">The group's committed offset there, or <see langword="null"/> when it never committed.</param>
    /// <param name="start">The first offset still in the log.</param>
    /// <param name="end">The offset the next record will get.</param>
    /// <param name="atTime">For <see cref="AtTime"/>: the first offset whose timestamp is at or after the time, or <see langword="null"/> when none is.</param>
    public abstract long? NewOffset(long? current, long start, long end, long? atTime);

    /// <summary>The first offset still in the log.</summary>
    public sealed record Earliest : OffsetResetTarget
    {
        /// <inheritdoc />
        public override long? NewOffset(long? current, long start, long end, long? atTime) => start;

        /// <inheritdoc />
        public override string ToString() => "earliest";
    }

    /// <summary>The log end: the group skips everything not consumed yet.</summary>
    public sealed record Latest : OffsetResetTarget
    {
        /// <inheritdoc />
        public override long? NewOffset(long? current, long start, long end, long? atTime) => end;

        /// <inheritdoc />
        public override string ToString() => "latest";
    }

    /// <summary>The first record at or after <see cref="Time"/>; the log end when every record is older.</summary>
    /// <param name="Time">The time to move to.</param>
    public sealed record AtTime(DateTimeOffset Time) : OffsetResetTarget
    {
        /// <inheritdoc />
        public override long? NewOffset(long? current, long start, long end, long? atTime) => Math.Clamp(atTime ?? end, start, end);

        /// <inheritdoc />
        public override string ToString() => Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
    }

    /// <summary>The committed offset moved by <see cref="Shift"/> (negative to re-read), kept within the log; partitions never committed stay as they are.</summary>
    /// <param name="Shift">How many offsets to move; negative re-reads.</param>
    public sealed record ShiftBy(long Shift) : OffsetResetTarget
    {
        /// <inheritdoc />
        public override long? NewOffset(long? current, long start, long end, long? atTime) =>
            current is { } from ? (long)Int128.Clamp((Int128)from + Shift, start, end) : null;

        /// <inheritdoc />
        public override string ToString() => $"shift-by {Shift.ToString(CultureInfo.InvariantCulture)}";
    }
}
