using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Herald.Protocol.Records;

namespace Herald.Protocol.Tests;

public sealed class RecordReaderTests
{
    [Fact]
    public void Records_come_back_with_offsets_keys_values_timestamps_and_headers_in_order()
    {
        var batch = new RecordBatchBuilder()
            .Add("k1"u8.ToArray(), "v1"u8.ToArray(), 1_000, [new RecordHeader("trace", "abc"u8.ToArray()), new RecordHeader("trace", null)])
            .Add(null, null, 1_250)
            .Add("k3"u8.ToArray(), "v3"u8.ToArray(), 990, [new RecordHeader("ünïcode", "x"u8.ToArray())])
            .Build();
        RecordBatchHeader.WriteBaseOffset(batch, 40);

        var records = new List<BatchRecord>();
        Assert.True(RecordReader.TryRead(batch, records));

        Assert.Equal([40L, 41L, 42L], records.Select(r => r.Offset));
        Assert.Equal([1_000L, 1_250L, 990L], records.Select(r => r.Timestamp));
        Assert.Equal("k1", Encoding.UTF8.GetString(records[0].Key!.Value.Span));
        Assert.Equal("v3", Encoding.UTF8.GetString(records[2].Value!.Value.Span));
        Assert.Null(records[1].Key);
        Assert.Null(records[1].Value);
        Assert.Empty(records[1].Headers);
        Assert.Equal(["trace", "trace"], records[0].Headers.Select(h => h.Key));
        Assert.Equal("abc"u8.ToArray(), records[0].Headers[0].Value);
        Assert.Null(records[0].Headers[1].Value);
        Assert.Equal("ünïcode", Assert.Single(records[2].Headers).Key);
    }

    [Fact]
    public void A_log_append_time_batch_gives_every_record_the_batch_max_timestamp()
    {
        var batch = new RecordBatchBuilder().Add("a", 5).Add("b", 7).Build();
        SetAttributes(batch, 0x08);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(35), 123_456);

        var records = new List<BatchRecord>();
        Assert.True(RecordReader.TryRead(batch, records));

        Assert.All(records, r => Assert.Equal(123_456, r.Timestamp));
    }

    [Fact]
    public void A_gzip_batch_is_decompressed_with_its_headers()
    {
        var plain = new RecordBatchBuilder()
            .Add("key"u8.ToArray(), "hello"u8.ToArray(), 2_000, [new RecordHeader("h", "header value"u8.ToArray())])
            .Add(null, "world"u8.ToArray(), 2_001)
            .Build();
        var gzip = Compress(plain);

        var records = new List<BatchRecord>();
        Assert.True(RecordReader.TryRead(gzip, records));

        Assert.Equal(["hello", "world"], records.Select(r => Encoding.UTF8.GetString(r.Value!.Value.Span)));
        Assert.Equal("header value", Encoding.UTF8.GetString(Assert.Single(records[0].Headers).Value!));
        Assert.Equal([2_000L, 2_001L], records.Select(r => r.Timestamp));
    }

    [Fact]
    public void A_record_whose_headers_run_past_its_length_is_malformed()
    {
        var batch = new RecordBatchBuilder().Add(null, "v"u8.ToArray(), 1, [new RecordHeader("h", "value"u8.ToArray())]).Build();

        // The record's length varint is the first byte after the batch header; shorten it so the header value overruns.
        var truncated = batch.ToArray();
        truncated[RecordBatchHeader.Size] -= 4;

        Assert.False(RecordReader.TryRead(truncated, []));
    }

    [Fact]
    public void Snappy_batches_are_reported_unreadable()
    {
        var batch = new RecordBatchBuilder().Add("a", 1).Build();
        SetAttributes(batch, (short)CompressionType.Snappy);

        Assert.False(RecordReader.TryRead(batch, []));
    }

    private static void SetAttributes(byte[] batch, short attributes)
    {
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchHeader.AttributesOffset), attributes);
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(RecordBatchHeader.CrcOffset), RecordBatchHeader.ComputeCrc(batch));
    }

    private static byte[] Compress(byte[] plain)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain, RecordBatchHeader.Size, plain.Length - RecordBatchHeader.Size);
        }

        var batch = new byte[RecordBatchHeader.Size + compressed.Length];
        plain.AsSpan(0, RecordBatchHeader.Size).CopyTo(batch);
        compressed.ToArray().CopyTo(batch, RecordBatchHeader.Size);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BatchLengthOffset), batch.Length - RecordBatchHeader.LogOverhead);
        SetAttributes(batch, (short)CompressionType.Gzip);
        return batch;
    }
}
