using Herald.Broker.Log;
using Herald.Protocol;
using static Herald.Broker.Tests.Log.LogTestHelpers;

namespace Herald.Broker.Tests.Log;

public class RetentionTests
{
    private static int BatchSize => Batch(2).Length;

    // One batch per segment: a segment rolls as soon as a second batch would not fit.
    private static LogOptions OneBatchPerSegment => new() { SegmentBytes = BatchSize + 1, RetentionMs = -1 };

    [Fact]
    public void Retention_by_bytes_deletes_oldest_segments_and_advances_the_start()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, OneBatchPerSegment);
        for (var i = 0; i < 6; i++)
        {
            log.Append(Batch(2));
        }

        Assert.Equal(6, log.SegmentCount);
        log.Options = log.Options with { RetentionBytes = 2L * BatchSize };

        Assert.Equal(4, log.ApplyRetention(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

        Assert.Equal(2, log.SegmentCount);
        Assert.Equal(8, log.LogStartOffset);
        using var gone = log.Read(0, 1000);
        Assert.Equal(ErrorCode.OffsetOutOfRange, gone.Error);
        Assert.Equal(8, gone.LogStartOffset);
        Assert.Equal(2, ReadAll(log, 8).Count);
    }

    [Fact]
    public void Retention_by_time_deletes_segments_older_than_retention_but_never_the_active_one()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, OneBatchPerSegment with { RetentionMs = 1000 });
        log.Append(Batch(2, timestamp: 1_000));
        log.Append(Batch(2, timestamp: 2_000));
        log.Append(Batch(2, timestamp: 50_000));
        log.Append(Batch(2, timestamp: 60_000));

        Assert.Equal(2, log.ApplyRetention(nowUnixMs: 10_000));
        Assert.Equal(4, log.LogStartOffset);

        Assert.Equal(1, log.ApplyRetention(nowUnixMs: 1_000_000));
        Assert.Equal(1, log.SegmentCount);
        Assert.Equal(6, log.LogStartOffset);
        Assert.Equal(8, log.LogEndOffset);
    }

    [Fact]
    public void Log_start_offset_survives_reopen()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path, OneBatchPerSegment))
        {
            for (var i = 0; i < 4; i++)
            {
                log.Append(Batch(2));
            }

            log.DeleteRecordsBefore(5);
            Assert.Equal(5, log.LogStartOffset);
            Assert.Equal(2, log.SegmentCount);
        }

        using var reopened = PartitionLog.Open(dir.Path, OneBatchPerSegment);
        Assert.Equal(5, reopened.LogStartOffset);
        Assert.Equal(8, reopened.LogEndOffset);
        using var read = reopened.Read(5, 1000);
        Assert.Equal(4, Batches(read.Records)[0].BaseOffset);
        Assert.Equal(ErrorCode.OffsetOutOfRange, reopened.Read(3, 1000).Error);
    }

    [Fact]
    public void Delete_records_up_to_the_end_keeps_the_active_segment()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, OneBatchPerSegment);
        log.Append(Batch(2));
        log.Append(Batch(2));

        log.DeleteRecordsBefore(4);

        Assert.Equal(4, log.LogStartOffset);
        Assert.Equal(1, log.SegmentCount);
        Assert.True(log.Read(4, 100).Records.IsEmpty);
        Assert.Throws<ArgumentOutOfRangeException>(() => log.DeleteRecordsBefore(5));
        Assert.Equal(4, log.Append(Batch(1)).BaseOffset);
    }

    [Fact]
    public async Task Reads_racing_retention_get_batches_or_offset_out_of_range()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentBytes = 2000, RetentionMs = -1, RetentionBytes = 4000 });
        var done = false;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                log.Append(Batch(2));
                if (i % 10 == 0)
                {
                    log.ApplyRetention(0);
                }
            }

            Volatile.Write(ref done, true);
        });

        var reader = Task.Run(() =>
        {
            while (!Volatile.Read(ref done))
            {
                using var read = log.Read(log.LogStartOffset, 1000);
                Assert.True(read.Error is ErrorCode.None or ErrorCode.OffsetOutOfRange);
                if (read.Error == ErrorCode.None)
                {
                    Batches(read.Records);
                }
            }
        });

        await Task.WhenAll(writer, reader).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(log.SegmentCount <= 4);
        Assert.Equal(4000, log.LogEndOffset);
    }
}
