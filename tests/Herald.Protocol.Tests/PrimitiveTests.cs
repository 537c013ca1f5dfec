using Herald.Protocol;

namespace Herald.Protocol.Tests;

public sealed class PrimitiveTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(1, new byte[] { 0x01 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(300, new byte[] { 0xAC, 0x02 })]
    [InlineData(int.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x07 })]
    public void Unsigned_varints_match_the_protocol_encoding(int value, byte[] expected)
    {
        using var writer = new KafkaWriter();
        writer.WriteUVarint(value);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
        var reader = new KafkaReader(expected);
        Assert.Equal(value, reader.ReadUVarint());
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Compact_and_classic_strings_use_their_own_length_prefixes()
    {
        using var writer = new KafkaWriter();
        writer.WriteString("ab", compact: true);
        writer.WriteString(null, compact: true);
        writer.WriteString("ab", compact: false);
        writer.WriteString(null, compact: false);
        Assert.Equal(new byte[] { 3, (byte)'a', (byte)'b', 0, 0, 2, (byte)'a', (byte)'b', 0xFF, 0xFF }, writer.WrittenSpan.ToArray());

        var reader = new KafkaReader(writer.WrittenMemory.ToArray());
        Assert.Equal("ab", reader.ReadString(true, false));
        Assert.Null(reader.ReadString(true, true));
        Assert.Equal("ab", reader.ReadString(false, false));
        Assert.Null(reader.ReadString(false, true));
    }

    [Fact]
    public void A_null_where_the_version_forbids_it_is_a_protocol_error()
    {
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(new byte[] { 0xFF, 0xFF });
            reader.ReadString(false, nullable: false);
        });
    }

    [Fact]
    public void Lengths_beyond_the_frame_are_refused_before_allocating()
    {
        // An array claiming two billion elements in a 5-byte frame.
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF, 0x00 });
            reader.ReadArrayLength(compact: false);
        });
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(new byte[] { 0x00, 0x10, (byte)'a' });
            reader.ReadString(false, false);
        });
        Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 });
            reader.ReadUVarint();
        });
    }

    [Fact]
    public void Uuids_are_written_big_endian_as_kafka_does()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        using var writer = new KafkaWriter();
        writer.WriteUuid(id);
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), writer.WrittenSpan.ToArray());
        var reader = new KafkaReader(writer.WrittenMemory.ToArray());
        Assert.Equal(id, reader.ReadUuid());
    }
}
