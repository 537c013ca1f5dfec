using System.Text;
using Herald.Protocol.Records;

namespace Herald.Protocol.Tests;

/// <summary>The in-process record reader returns what the batch builder wrote: keys, values, timestamps and headers.</summary>
public sealed class RecordReaderTests
{
    [Fact]
    public void Reads_back_timestamps_and_headers_in_order_with_repeated_keys_and_null_values()
    {
        var batch = new RecordBatchBuilder()
            .Add(Encoding.UTF8.GetBytes("k0"), Encoding.UTF8.GetBytes("v0"), 1_000, [new RecordHeader("a", [1]), new RecordHeader("a", [2]), new RecordHeader("b", null)])
            .Add(null, null, 1_250)
            .Build();

        var records = new List<BatchRecord>();
        Assert.True(RecordReader.TryRead(batch, records));

        Assert.Equal(2, records.Count);
        Assert.Equal("k0", Encoding.UTF8.GetString(records[0].Key!.Value.Span));
        Assert.Equal(1_000, records[0].Timestamp);
        Assert.Equal(["a", "a", "b"], records[0].Headers.Select(h => h.Key));
        Assert.Equal([2], records[0].Headers[1].Value);
        Assert.Null(records[0].Headers[2].Value);
        Assert.Null(records[1].Key);
        Assert.Null(records[1].Value);
        Assert.Equal(1_250, records[1].Timestamp);
        Assert.Empty(records[1].Headers);
    }

    [Fact]
    public void A_record_cut_inside_its_headers_is_unreadable()
    {
        var batch = new RecordBatchBuilder().Add(null, [1], 0, [new RecordHeader("name", Encoding.UTF8.GetBytes("value"))]).Build();

        // The record ends with: header count (zig-zag 1 = 2), key length, "name", value length, "value". Claim two headers:
        // the reader must refuse rather than read past the record.
        var headerCount = batch.Length - ("value".Length + 1) - ("name".Length + 1) - 1;
        Assert.Equal(2, batch[headerCount]);
        batch[headerCount] = 4;

        Assert.False(RecordReader.TryRead(batch, []));
    }
}
