using System.Buffers.Binary;
using Herald.Broker.Log;
using Herald.Broker.Tests.Groups;
using Herald.Protocol.Records;

namespace Herald.Broker.Tests.Log;

/// <summary>The append-time index: the broker's clock at each append, exact to the millisecond, across rolls, restarts and control batches.</summary>
public sealed class AppendTimeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly ManualTimeProvider _clock = new();

    public AppendTimeTests() => _clock.Advance(T0 - _clock.GetUtcNow());

    private long Ms(double seconds) => T0.AddSeconds(seconds).ToUnixTimeMilliseconds();

    private LogOptions Options(long segmentBytes = 1 << 30) => new() { Clock = _clock, SegmentBytes = segmentBytes };

    [Fact]
    public void Each_offset_gets_the_broker_clock_of_its_append_not_the_producer_timestamp()
    {
        using var log = PartitionLog.Open(_directory.Path, Options());
        Assert.Equal(-1, log.LastAppendTimeMs);
        log.Append(LogTestHelpers.Batch(3, timestamp: 5));
        log.Append(LogTestHelpers.Batch(1, timestamp: 5)); // same millisecond
        _clock.Advance(TimeSpan.FromMilliseconds(1500));
        log.Append(LogTestHelpers.Batch(2, timestamp: 5));
        _clock.Advance(TimeSpan.FromMilliseconds(10));
        log.Append(LogTestHelpers.Batch(1, timestamp: 5));

        long[] expected = [Ms(0), Ms(0), Ms(0), Ms(0), Ms(1.5), Ms(1.5), Ms(1.51)];
        for (var offset = 0; offset < expected.Length; offset++)
        {
            Assert.Equal(expected[offset], log.FirstDataAppendTimeMs(offset));
        }

        Assert.Equal(-1, log.FirstDataAppendTimeMs(7));
        Assert.Equal(Ms(1.51), log.LastAppendTimeMs);
    }

    [Fact]
    public void Append_times_survive_a_restart_and_a_torn_tail_takes_its_own_with_it()
    {
        using (var log = PartitionLog.Open(_directory.Path, Options()))
        {
            log.Append(LogTestHelpers.Batch(2));
            _clock.Advance(TimeSpan.FromSeconds(3));
            log.Append(LogTestHelpers.Batch(2));
        }

        using (var log = PartitionLog.Open(_directory.Path, Options()))
        {
            Assert.Equal(Ms(0), log.FirstDataAppendTimeMs(1));
            Assert.Equal(Ms(3), log.FirstDataAppendTimeMs(2));
            Assert.Equal(Ms(3), log.LastAppendTimeMs);
        }

        // A crash in the middle of the second batch's write: recovery cuts it, and its append time with it.
        var file = Directory.GetFiles(_directory.Path, "*.log").Single();
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(stream.Length - 5);
        }

        using (var log = PartitionLog.Open(_directory.Path, Options()))
        {
            Assert.Equal(2, log.LogEndOffset);
            Assert.Equal(Ms(0), log.LastAppendTimeMs);
            _clock.Advance(TimeSpan.FromSeconds(4));
            log.Append(LogTestHelpers.Batch(1));
            Assert.Equal(Ms(7), log.FirstDataAppendTimeMs(2));
            Assert.Equal(Ms(0), log.FirstDataAppendTimeMs(0));
        }
    }

    [Fact]
    public void Lookups_cross_segments_and_an_offset_below_the_log_start_is_measured_from_the_first_record_kept()
    {
        using var log = PartitionLog.Open(_directory.Path, Options(segmentBytes: 200));
        for (var i = 0; i < 4; i++)
        {
            log.Append(LogTestHelpers.Batch(2, valueSize: 60));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(log.SegmentCount > 2);
        for (var offset = 0; offset < 8; offset++)
        {
            Assert.Equal(Ms(offset / 2), log.FirstDataAppendTimeMs(offset));
        }

        log.DeleteRecordsBefore(4);
        Assert.Equal(Ms(2), log.FirstDataAppendTimeMs(0));
    }

    [Fact]
    public void Control_batches_are_not_data()
    {
        using var log = PartitionLog.Open(_directory.Path, Options());
        log.Append(LogTestHelpers.Batch(1));
        _clock.Advance(TimeSpan.FromSeconds(2));
        log.Append(ControlBatch());
        Assert.Equal(-1, log.FirstDataAppendTimeMs(1));
        Assert.Equal(-1, log.FirstDataOffset(1));
        Assert.Equal(0, log.FirstDataOffset(0));

        _clock.Advance(TimeSpan.FromSeconds(5));
        log.Append(LogTestHelpers.Batch(1));
        Assert.Equal(Ms(7), log.FirstDataAppendTimeMs(1));
        Assert.Equal(2, log.FirstDataOffset(1));
    }

    /// <summary>A one-record batch with the control (transaction marker) attribute set and its CRC recomputed.</summary>
    internal static byte[] ControlBatch()
    {
        var batch = new RecordBatchBuilder().Add(new byte[] { 0, 0, 0, 0 }, new byte[] { 0, 0, 0, 0, 0, 0 }, 1_000).Build();
        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch.AsSpan(RecordBatchHeader.AttributesOffset));
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchHeader.AttributesOffset), (short)(attributes | 0x30));
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatchHeader.CrcOffset), RecordBatchHeader.ComputeCrc(batch));
        return batch;
    }

    public void Dispose() => _directory.Dispose();
}
