using Herald.Registry.Formats.Protobuf;

namespace Herald.Registry.Tests.Formats.Protobuf;

public sealed class ProtobufPayloadReaderTests
{
    private const string Schema = """
        syntax = "proto3";
        package acme;
        message Other { int32 x = 1; }
        message User {
          string name = 1;
          int64 id = 2;
          repeated int32 scores = 3;
          Status status = 4;
          Address home = 5;
          map<string, int32> tags = 6;
          sint32 delta = 7;
          double ratio = 8;
          bytes blob = 9;
          enum Status { UNKNOWN = 0; ACTIVE = 1; }
          message Address { string city = 1; }
        }
        """;

    private static readonly ProtobufParsedSchema Parsed = new ProtobufFormat().Parse(Schema, new Dictionary<string, string>());

    [Fact]
    public void A_payload_reads_as_json_with_the_schemas_field_names()
    {
        byte[] payload =
        [
            0x02, 0x02, // message indexes [1]: zig-zag count 1, index 1
            0x0A, 0x03, (byte)'a', (byte)'n', (byte)'n', // name
            0x10, 0xAC, 0x02, // id 300
            0x1A, 0x03, 0x01, 0x02, 0x03, // scores, packed
            0x20, 0x01, // status ACTIVE
            0x2A, 0x06, 0x0A, 0x04, (byte)'O', (byte)'s', (byte)'l', (byte)'o', // home.city
            0x32, 0x05, 0x0A, 0x01, (byte)'a', 0x10, 0x07, // tags["a"] = 7
            0x38, 0x03, // delta -2 (zig-zag)
            0x41, 0, 0, 0, 0, 0, 0, 0xE0, 0x3F, // ratio 0.5
            0x4A, 0x02, 0xFF, 0x00, // blob
            0x78, 0x05, // field 15, not in the schema
        ];

        var (name, fields) = ProtobufPayloadReader.Read(Parsed, payload);

        Assert.Equal("acme.User", name);
        Assert.Equal(
            """{"name":"ann","id":300,"scores":[1,2,3],"status":"ACTIVE","home":{"city":"Oslo"},"tags":{"a":7},"delta":-2,"ratio":0.5,"blob":"/wA=","#15":[5]}""",
            fields.ToJsonString());
    }

    [Fact]
    public void No_message_indexes_mean_the_first_message()
    {
        var (name, fields) = ProtobufPayloadReader.Read(Parsed, [0x00, 0x08, 0x07]);

        Assert.Equal("acme.Other", name);
        Assert.Equal("""{"x":7}""", fields.ToJsonString());
    }

    [Theory]
    [InlineData(new byte[] { 0x02, 0x0E })] // index 7: no such message
    [InlineData(new byte[] { 0x00, 0x0A, 0x09, 0x41 })] // a field longer than the payload
    [InlineData(new byte[] { 0x00, 0x0B })] // a group
    public void Malformed_payloads_are_refused(byte[] payload)
    {
        Assert.Throws<FormatException>(() => ProtobufPayloadReader.Read(Parsed, payload));
    }
}
