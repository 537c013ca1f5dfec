using Herald.Broker.Log;
using Herald.Protocol.Records;
using static Herald.Broker.Tests.Log.LogTestHelpers;

namespace Herald.Broker.Tests.Log;

public class TimestampTests
{
    [Fact]
    public void Find_offset_for_timestamp_returns_the_first_record_at_or_after_it()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentBytes = 2000, IndexIntervalBytes = 200 });
        for (var i = 0; i < 50; i++)
        {
            // Batch i holds offsets 2i, 2i+1 with timestamps 1000 + 100i and one more.
            log.Append(Batch(2, timestamp: 1_000 + (i * 100)));
        }

        Assert.True(log.SegmentCount > 2);
        Assert.Equal(0, log.FindOffsetForTimestamp(0));
        Assert.Equal(0, log.FindOffsetForTimestamp(1_000));
        Assert.Equal(1, log.FindOffsetForTimestamp(1_001));
        Assert.Equal(2, log.FindOffsetForTimestamp(1_002));
        Assert.Equal(60, log.FindOffsetForTimestamp(4_000));
        Assert.Equal(99, log.FindOffsetForTimestamp(5_901));
        Assert.Equal(-1, log.FindOffsetForTimestamp(5_902));
    }

    [Fact]
    public void Find_max_timestamp_returns_the_newest_batch_even_when_out_of_order()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentBytes = 300 });
        Assert.Equal((-1L, -1L), log.FindMaxTimestamp());

        log.Append(Batch(1, timestamp: 5_000));
        log.Append(Batch(3, timestamp: 9_000));
        log.Append(Batch(1, timestamp: 7_000));

        Assert.Equal((3L, 9_002L), log.FindMaxTimestamp());
    }

    [Fact]
    public void Max_timestamp_inside_a_batch_is_found_at_record_level()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Batch(2, timestamp: 100));
        log.Append(new RecordBatchBuilder().Add("a", 5_000).Add("b", 9_000).Add("c", 7_000).Build());

        Assert.Equal((3L, 9_000L), log.FindMaxTimestamp());
        Assert.Equal(3, log.FindOffsetForTimestamp(6_000));
        Assert.Equal(2, log.FindOffsetForTimestamp(5_000));
    }

    [Fact]
    public void Timestamps_are_found_after_reopen()
    {
        using var dir = new TempDirectory();
        var options = new LogOptions { SegmentBytes = 500, IndexIntervalBytes = 100 };
        using (var log = PartitionLog.Open(dir.Path, options))
        {
            for (var i = 0; i < 20; i++)
            {
                log.Append(Batch(1, timestamp: 10_000 + (i * 10)));
            }
        }

        using var reopened = PartitionLog.Open(dir.Path, options);
        Assert.Equal(7, reopened.FindOffsetForTimestamp(10_065));
        Assert.Equal((19L, 10_190L), reopened.FindMaxTimestamp());
    }
}
