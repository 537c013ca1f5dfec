using Herald.Broker.Log;
using Herald.Protocol;
using Herald.Protocol.Records;
using static Herald.Broker.Tests.Log.LogTestHelpers;

namespace Herald.Broker.Tests.Log;

public class RecoveryTests
{
    private static readonly LogOptions SmallSegments = new() { SegmentBytes = 1000, IndexIntervalBytes = 100 };

    [Fact]
    public void Reopen_after_dispose_keeps_every_batch()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path, SmallSegments))
        {
            for (var i = 0; i < 20; i++)
            {
                log.Append(Batch(2));
            }
        }

        using var reopened = PartitionLog.Open(dir.Path, SmallSegments);
        Assert.Equal(40, reopened.LogEndOffset);
        Assert.True(reopened.SegmentCount > 1);
        Assert.Equal(20, ReadAll(reopened, 0).Count);
        Assert.Equal(40, reopened.Append(Batch(1)).BaseOffset);
    }

    [Fact]
    public void Acknowledged_batches_and_producer_state_survive_a_process_that_never_closed_the_log()
    {
        using var dir = new TempDirectory();
        var crashed = PartitionLog.Open(dir.Path, SmallSegments);
        for (var i = 0; i < 12; i++)
        {
            crashed.Append(Batch(2, producerId: 5, epoch: 0, sequence: i * 2));
        }

        // Like kill -9: no flush, no dispose; a new instance recovers from what the writes left.
        using (var recovered = PartitionLog.Open(dir.Path, SmallSegments))
        {
            Assert.Equal(24, recovered.LogEndOffset);
            Assert.Equal(12, ReadAll(recovered, 0).Count);
            Assert.Equal(22, recovered.Append(Batch(2, producerId: 5, epoch: 0, sequence: 22)).BaseOffset);
            Assert.Equal(24, recovered.Append(Batch(2, producerId: 5, epoch: 0, sequence: 24)).BaseOffset);
        }

        crashed.DeleteFiles();
    }

    [Fact]
    public void Torn_tail_is_truncated_and_complete_batches_are_kept()
    {
        using var dir = new TempDirectory();
        var batchSize = Batch(2).Length;
        using (var log = PartitionLog.Open(dir.Path, new LogOptions()))
        {
            for (var i = 0; i < 5; i++)
            {
                log.Append(Batch(2));
            }
        }

        var file = Path.Combine(dir.Path, "00000000000000000000.log");
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength((batchSize * 5) - 7);
        }

        var logger = new ListLogger();
        using var reopened = PartitionLog.Open(dir.Path, new LogOptions(), logger);
        Assert.Contains(logger.Messages, m => m.Contains("torn batch", StringComparison.Ordinal));
        Assert.Equal(8, reopened.LogEndOffset);
        Assert.Equal(4L * batchSize, new FileInfo(file).Length);
        Assert.Equal(4, ReadAll(reopened, 0).Count);
        Assert.Equal(8, reopened.Append(Batch(1)).BaseOffset);
    }

    [Fact]
    public void Garbage_after_the_last_batch_is_dropped_on_open()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path, new LogOptions()))
        {
            log.Append(Batch(3));
            log.Append(Batch(3));
        }

        var file = Path.Combine(dir.Path, "00000000000000000000.log");
        var size = new FileInfo(file).Length;
        var garbage = new byte[200];
        new Random(7).NextBytes(garbage);
        using (var stream = new FileStream(file, FileMode.Append))
        {
            stream.Write(garbage);
        }

        using var reopened = PartitionLog.Open(dir.Path, new LogOptions());
        Assert.Equal(6, reopened.LogEndOffset);
        Assert.Equal(size, new FileInfo(file).Length);
    }

    [Fact]
    public void A_header_claiming_a_huge_length_is_dropped_on_open()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path, new LogOptions()))
        {
            log.Append(Batch(3));
        }

        var file = Path.Combine(dir.Path, "00000000000000000000.log");
        var size = new FileInfo(file).Length;
        var bogus = Batch(1);
        RecordBatchHeader.WriteBaseOffset(bogus, 3);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bogus.AsSpan(8), int.MaxValue);
        using (var stream = new FileStream(file, FileMode.Append))
        {
            stream.Write(bogus);
        }

        using var reopened = PartitionLog.Open(dir.Path, new LogOptions());
        Assert.Equal(3, reopened.LogEndOffset);
        Assert.Equal(size, new FileInfo(file).Length);
    }

    [Fact]
    public void A_batch_with_a_bad_crc_at_the_tail_is_dropped_on_open()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path, new LogOptions()))
        {
            log.Append(Batch(3));
            log.Append(Batch(3));
        }

        var file = Path.Combine(dir.Path, "00000000000000000000.log");
        var bytes = File.ReadAllBytes(file);
        bytes[^2] ^= 0x55;
        File.WriteAllBytes(file, bytes);

        using var reopened = PartitionLog.Open(dir.Path, new LogOptions());
        Assert.Equal(3, reopened.LogEndOffset);
    }

    [Fact]
    public void Missing_or_damaged_indexes_are_rebuilt()
    {
        using var dir = new TempDirectory();
        using (var log = PartitionLog.Open(dir.Path, SmallSegments))
        {
            for (var i = 0; i < 30; i++)
            {
                log.Append(Batch(2, timestamp: 1000 + (i * 10)));
            }
        }

        var indexes = Directory.GetFiles(dir.Path, "*.index");
        File.Delete(indexes[0]);
        File.WriteAllBytes(Directory.GetFiles(dir.Path, "*.timeindex")[1], [1, 2, 3]);

        using var reopened = PartitionLog.Open(dir.Path, SmallSegments);
        Assert.Equal(60, reopened.LogEndOffset);
        Assert.Equal(30, ReadAll(reopened, 0).Count);
        using var mid = reopened.Read(7, 1);
        Assert.Equal(6, Batches(mid.Records)[0].BaseOffset);
        Assert.Equal(20, reopened.FindOffsetForTimestamp(1100));
    }

    [Fact]
    public void Empty_directory_is_created_and_opens_empty()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(Path.Combine(dir.Path, "topic-0"), new LogOptions());
        Assert.Equal(0, log.LogStartOffset);
        Assert.Equal(0, log.LogEndOffset);
        Assert.Equal(1, log.SegmentCount);
        Assert.True(Directory.Exists(log.Directory));
    }

    [Fact]
    public void Delete_files_removes_the_directory()
    {
        using var dir = new TempDirectory();
        var log = PartitionLog.Open(Path.Combine(dir.Path, "topic-0"), new LogOptions());
        log.Append(Batch(1));

        log.DeleteFiles();

        Assert.False(Directory.Exists(log.Directory));
        Assert.Throws<ObjectDisposedException>(() => log.Append(Batch(1)));
    }

    [Fact]
    public void Flush_every_append_still_appends()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { Flush = FlushPolicy.EveryAppend });
        Assert.Equal(ErrorCode.None, log.Append(Batch(2)).Error);
        log.Flush();
        Assert.Equal(2, log.LogEndOffset);
    }
}
