using System.Text;
using Herald.Protocol.Records;

namespace Herald.Broker.Tests.Log;

public class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Incremental_update_matches_one_shot()
    {
        var data = new byte[1000];
        new Random(42).NextBytes(data);
        var crc = Crc32C.Update(uint.MaxValue, data.AsSpan(0, 13));
        crc = Crc32C.Update(crc, data.AsSpan(13));
        Assert.Equal(Crc32C.Compute(data), ~crc);
    }

    [Fact]
    public void Builder_produces_a_parsable_batch_with_a_valid_crc()
    {
        var batch = new RecordBatchBuilder { ProducerId = 7, ProducerEpoch = 1, BaseSequence = 10 }
            .Add([1], [2, 3], 1000, [new RecordHeader("h", [4])])
            .Add(null, null, 1005)
            .Build();

        Assert.True(RecordBatchHeader.TryParse(batch, out var header));
        Assert.Equal(batch.Length, header.TotalSize);
        Assert.Equal(2, header.Magic);
        Assert.Equal(2, header.RecordsCount);
        Assert.Equal(1, header.LastOffsetDelta);
        Assert.Equal(1000, header.BaseTimestamp);
        Assert.Equal(1005, header.MaxTimestamp);
        Assert.Equal(7, header.ProducerId);
        Assert.Equal(11, header.LastSequence);
        Assert.Equal(CompressionType.None, header.Compression);
        Assert.Equal(TimestampType.CreateTime, header.TimestampType);
        Assert.False(header.IsControl);
        Assert.True(header.IsCrcValid(batch));
    }

    [Fact]
    public void Rewriting_base_offset_and_leader_epoch_keeps_the_crc_valid()
    {
        var batch = new RecordBatchBuilder().Add("x", 1).Build();
        RecordBatchHeader.WriteBaseOffset(batch, 12345);
        RecordBatchHeader.WritePartitionLeaderEpoch(batch, 9);
        RecordBatchHeader.TryParse(batch, out var header);
        Assert.Equal(12345, header.BaseOffset);
        Assert.Equal(9, header.PartitionLeaderEpoch);
        Assert.True(header.IsCrcValid(batch));
    }

    [Fact]
    public void Last_sequence_wraps_at_int_max()
    {
        var batch = new RecordBatchBuilder { ProducerId = 1, ProducerEpoch = 0, BaseSequence = int.MaxValue - 1 }
            .Add("a", 1).Add("b", 1).Add("c", 1).Build();
        RecordBatchHeader.TryParse(batch, out var header);
        Assert.Equal(0, header.LastSequence);
    }
}
