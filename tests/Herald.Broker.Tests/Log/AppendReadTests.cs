using Herald.Broker.Log;
using Herald.Protocol;
using static Herald.Broker.Tests.Log.LogTestHelpers;

namespace Herald.Broker.Tests.Log;

public class AppendReadTests
{
    [Fact]
    public void Append_assigns_consecutive_offsets_and_read_returns_the_batches()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());

        Assert.Equal(0, log.LogEndOffset);
        var first = log.Append(Batch(3));
        var second = log.Append(Batch(2));

        Assert.Equal(ErrorCode.None, first.Error);
        Assert.Equal(0, first.BaseOffset);
        Assert.Equal(3, second.BaseOffset);
        Assert.Equal(5, log.LogEndOffset);

        using var read = log.Read(0, 1 << 20);
        Assert.Equal(ErrorCode.None, read.Error);
        Assert.Equal(5, read.HighWatermark);
        var batches = Batches(read.Records);
        Assert.Equal(2, batches.Count);
        Assert.Equal(0, batches[0].BaseOffset);
        Assert.Equal(3, batches[1].BaseOffset);
        Assert.Equal(0, batches[1].PartitionLeaderEpoch);
        Assert.Equal(4, batches[1].LastOffset);
    }

    [Fact]
    public void Several_batches_in_one_append_get_consecutive_offsets()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Batch(1));

        var result = log.Append(Concat(Batch(2), Batch(3)));

        Assert.Equal(1, result.BaseOffset);
        Assert.Equal(6, log.LogEndOffset);
        var batches = ReadAll(log, 0);
        Assert.Equal([0L, 1L, 3L], batches.ConvertAll(b => b.BaseOffset));
    }

    [Fact]
    public void Read_from_the_middle_of_a_batch_returns_that_whole_batch()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { IndexIntervalBytes = 1 });
        for (var i = 0; i < 10; i++)
        {
            log.Append(Batch(5));
        }

        using var read = log.Read(27, 1);
        var batches = Batches(read.Records);
        Assert.Single(batches);
        Assert.Equal(25, batches[0].BaseOffset);
        Assert.Equal(29, batches[0].LastOffset);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(1 << 20)]
    public void Read_walks_to_the_batch_when_the_index_is_sparse(int maxBytes)
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { IndexIntervalBytes = 1 << 20 });
        for (var i = 0; i < 20; i++)
        {
            log.Append(Batch(2));
        }

        // A tiny interval makes the first read cover only the start of the walk.
        log.Options = log.Options with { IndexIntervalBytes = 1 };
        for (var offset = 0L; offset < 40; offset += 7)
        {
            using var read = log.Read(offset, maxBytes);
            var batches = Batches(read.Records);
            Assert.Equal(offset - (offset % 2), batches[0].BaseOffset);
            Assert.True(batches.Count == 1 || read.Records.Length <= maxBytes);
        }
    }

    [Fact]
    public void Max_bytes_limits_the_batches_but_at_least_one_whole_batch_is_returned()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        var batch = Batch(4);
        for (var i = 0; i < 5; i++)
        {
            log.Append(Batch(4));
        }

        using (var two = log.Read(0, (batch.Length * 2) + 10))
        {
            Assert.Equal(2, Batches(two.Records).Count);
        }

        using (var tiny = log.Read(4, 10))
        {
            var batches = Batches(tiny.Records);
            Assert.Single(batches);
            Assert.Equal(4, batches[0].BaseOffset);
        }
    }

    [Fact]
    public void Read_at_the_end_is_empty_and_outside_the_log_is_out_of_range()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Batch(2));

        using var atEnd = log.Read(2, 1000);
        Assert.Equal(ErrorCode.None, atEnd.Error);
        Assert.True(atEnd.Records.IsEmpty);

        using var beyond = log.Read(3, 1000);
        Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.Error);
        Assert.Equal(2, beyond.HighWatermark);
        Assert.Equal(0, beyond.LogStartOffset);

        using var before = log.Read(-1, 1000);
        Assert.Equal(ErrorCode.OffsetOutOfRange, before.Error);
    }

    [Fact]
    public void Segments_roll_and_reads_cross_them()
    {
        using var dir = new TempDirectory();
        var batchSize = Batch(3).Length;
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentBytes = (batchSize * 3) + 1, IndexIntervalBytes = 1 });
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i * 3, log.Append(Batch(3)).BaseOffset);
        }

        Assert.Equal(4, log.SegmentCount);
        Assert.Equal(10L * batchSize, log.SizeInBytes);
        Assert.Equal(4, Directory.GetFiles(dir.Path, "*.log").Length);
        Assert.True(File.Exists(Path.Combine(dir.Path, "00000000000000000009.log")));

        var batches = ReadAll(log, 0);
        Assert.Equal(10, batches.Count);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i * 3, batches[i].BaseOffset);
        }

        using var mid = log.Read(13, 1 << 20);
        Assert.Equal(12, Batches(mid.Records)[0].BaseOffset);
    }

    [Fact]
    public void Corrupt_crc_is_rejected_and_nothing_is_appended()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        var bad = Batch(2);
        bad[^1] ^= 0xFF;

        var result = log.Append(Concat(Batch(1), bad));

        Assert.Equal(ErrorCode.CorruptMessage, result.Error);
        Assert.Equal(0, log.LogEndOffset);
        Assert.Equal(0, log.SizeInBytes);
    }

    [Fact]
    public void Malformed_batches_get_the_kafka_error_codes()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { MaxMessageBytes = 500 });

        var oldMagic = Batch(1);
        oldMagic[16] = 1;
        Assert.Equal(ErrorCode.UnsupportedForMessageFormat, log.Append(oldMagic).Error);

        var truncated = Batch(1)[..^3];
        Assert.Equal(ErrorCode.CorruptMessage, log.Append(truncated).Error);

        Assert.Equal(ErrorCode.MessageTooLarge, log.Append(Batch(10, valueSize: 100)).Error);

        var wrongCount = Batch(2);
        wrongCount[60] = 3;
        Assert.Equal(ErrorCode.InvalidRecord, log.Append(wrongCount).Error);

        Assert.Equal(ErrorCode.InvalidRecord, log.Append(Array.Empty<byte>()).Error);
        Assert.Equal(0, log.LogEndOffset);
    }

    [Fact]
    public async Task Wait_for_append_completes_when_a_record_arrives()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Batch(1));

        Assert.True(log.WaitForAppendAsync(0, CancellationToken.None).IsCompleted);
        var waiting = log.WaitForAppendAsync(1, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        log.Append(Batch(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Wait_for_append_completes_when_the_log_is_closed()
    {
        using var dir = new TempDirectory();
        var log = PartitionLog.Open(dir.Path, new LogOptions());
        var waiting = log.WaitForAppendAsync(0, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        log.Dispose();

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Wait_for_append_honours_cancellation()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        using var cts = new CancellationTokenSource();
        var waiting = log.WaitForAppendAsync(0, cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task Concurrent_appends_and_reads_see_only_whole_batches()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions { SegmentBytes = 64 * 1024, IndexIntervalBytes = 512 });
        const int perWriter = 500;
        var writers = new Task[2];
        for (var w = 0; w < writers.Length; w++)
        {
            writers[w] = Task.Run(() =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    Assert.Equal(ErrorCode.None, log.Append(Batch(3)).Error);
                }
            });
        }

        var reader = Task.Run(async () =>
        {
            var offset = 0L;
            while (offset < writers.Length * perWriter * 3)
            {
                await log.WaitForAppendAsync(offset, CancellationToken.None);
                using var read = log.Read(offset, 4096);
                Assert.Equal(ErrorCode.None, read.Error);
                var batches = Batches(read.Records);
                Assert.NotEmpty(batches);
                Assert.Equal(offset, batches[0].BaseOffset);
                offset = batches[^1].LastOffset + 1;
            }
        });

        await Task.WhenAll(writers);
        await reader.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(writers.Length * perWriter * 3, log.LogEndOffset);
    }
}
