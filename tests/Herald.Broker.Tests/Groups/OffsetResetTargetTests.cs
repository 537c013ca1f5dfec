using Herald.Broker.Groups;

namespace Herald.Broker.Tests.Groups;

public sealed class OffsetResetTargetTests
{
    [Theory]
    [InlineData(4L, 2L, 10L, 2L)]
    [InlineData(null, 2L, 10L, 2L)]
    public void Earliest_is_the_log_start(long? current, long start, long end, long expected) =>
        Assert.Equal(expected, new OffsetResetTarget.Earliest().NewOffset(current, start, end, null));

    [Fact]
    public void Latest_is_the_log_end() => Assert.Equal(10, new OffsetResetTarget.Latest().NewOffset(4, 2, 10, null));

    [Theory]
    [InlineData(6L, -3L, 3L)]
    [InlineData(4L, -100L, 2L)]
    [InlineData(4L, 3L, 7L)]
    [InlineData(4L, 100L, 10L)]
    [InlineData(4L, long.MaxValue, 10L)]
    [InlineData(4L, long.MinValue, 2L)]
    public void Shift_moves_the_committed_offset_and_clamps_it_to_the_log(long current, long shift, long expected) =>
        Assert.Equal(expected, new OffsetResetTarget.ShiftBy(shift).NewOffset(current, 2, 10, null));

    [Fact]
    public void Shift_leaves_a_partition_the_group_never_committed_alone() =>
        Assert.Null(new OffsetResetTarget.ShiftBy(-1).NewOffset(null, 0, 10, null));

    [Theory]
    [InlineData(6L, 6L)]
    [InlineData(null, 10L)]
    [InlineData(0L, 2L)]
    public void At_time_is_the_first_record_at_or_after_it_or_the_log_end(long? atTime, long expected) =>
        Assert.Equal(expected, new OffsetResetTarget.AtTime(DateTimeOffset.UnixEpoch).NewOffset(4, 2, 10, atTime));

    [Fact]
    public void Targets_print_as_the_plan_names_them()
    {
        Assert.Equal("earliest", new OffsetResetTarget.Earliest().ToString());
        Assert.Equal("latest", new OffsetResetTarget.Latest().ToString());
        Assert.Equal("shift-by -3", new OffsetResetTarget.ShiftBy(-3).ToString());
        Assert.Equal("2026-12-06T00:00:00.000Z", new OffsetResetTarget.AtTime(new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.FromHours(1))).ToString());
    }
}
