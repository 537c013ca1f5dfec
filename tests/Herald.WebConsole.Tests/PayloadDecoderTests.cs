using System.Buffers.Binary;
using System.Text;
using Avro.Generic;
using Avro.IO;
using Herald.Contracts;
using Herald.Registry;
using Herald.Registry.Formats;
using Herald.Testing;
using Herald.WebConsole.Topics;

namespace Herald.WebConsole.Tests;

/// <summary>How the message browser reads values: through the fixture's real registry, without a browser.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PayloadDecoderTests(ConsoleFixture fixture)
{
    private SchemaRegistry Registry => fixture.Server.Registry;

    [Fact]
    public void The_console_and_the_sdk_agree_on_the_pii_keyword()
    {
        Assert.Equal(ContractSchema.PiiKeyword, JsonSchemaPiiMask.PiiKeyword);
    }

    [Fact]
    public void Json_schema_pii_fields_are_masked_through_refs_arrays_and_unions()
    {
        const string schema = """
            {
              "type": "object",
              "properties": {
                "id": {"type": "string"},
                "contacts": {"type": "array", "items": {"$ref": "#/$defs/contact"}},
                "owner": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/contact"}]}
              },
              "$defs": {"contact": {"type": "object", "properties": {"email": {"type": "string", "x-herald-pii": true}, "kind": {"type": "string"}}}}
            }
            """;
        var id = Register("json", schema, SchemaType.Json);

        var decoded = new PayloadDecoder(Registry).Decode(Framed(id, """{"id":"c-9","contacts":[{"email":"a@x.test","kind":"work"},{"email":"b@x.test"}],"owner":{"email":"c@x.test","kind":"home"}}"""u8));

        Assert.StartsWith("JSON Schema #" + id, decoded.Format, StringComparison.Ordinal);
        Assert.Equal(3, decoded.MaskedFields);
        Assert.DoesNotContain("@x.test", decoded.Text, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"work\"", decoded.Text, StringComparison.Ordinal);
        Assert.Contains("\"id\": \"c-9\"", decoded.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_avro_value_is_decoded_to_json_with_its_marked_fields_masked()
    {
        const string schemaText = """
            {"type": "record", "name": "Customer", "namespace": "acme", "fields": [
              {"name": "id", "type": "string"},
              {"name": "email", "type": "string", "x-herald-pii": true},
              {"name": "visits", "type": "long"},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "address", "type": ["null", {"type": "record", "name": "Address", "fields": [
                {"name": "street", "type": "string", "x-herald-pii": true},
                {"name": "city", "type": "string"}]}]}
            ]}
            """;
        var id = Register("avro", schemaText, SchemaType.Avro);
        var schema = (Avro.RecordSchema)Avro.Schema.Parse(schemaText);
        var address = new GenericRecord((Avro.RecordSchema)((Avro.UnionSchema)schema["address"].Schema).Schemas[1]);
        address.Add("street", "1 Secret Lane");
        address.Add("city", "Oslo");
        var customer = new GenericRecord(schema);
        customer.Add("id", "c-1");
        customer.Add("email", "ann@example.com");
        customer.Add("visits", 42L);
        customer.Add("tags", new object[] { "vip", "new" });
        customer.Add("address", address);
        using var body = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema).Write(customer, new BinaryEncoder(body));

        var decoded = new PayloadDecoder(Registry).Decode(Framed(id, body.ToArray()));

        Assert.StartsWith("Avro #" + id, decoded.Format, StringComparison.Ordinal);
        Assert.Equal(2, decoded.MaskedFields);
        Assert.DoesNotContain("ann@example.com", decoded.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", decoded.Text, StringComparison.Ordinal);
        Assert.Equal(
            """{"id":"c-1","email":"***","visits":42,"tags":["vip","new"],"address":{"street":"***","city":"Oslo"}}""",
            System.Text.Json.Nodes.JsonNode.Parse(decoded.Text)!.ToJsonString());
    }

    [Fact]
    public void A_protobuf_value_is_shown_with_its_field_names_and_says_it_is_not_masked()
    {
        var id = Register("proto", """syntax = "proto3"; package acme; message User { string name = 1; int32 age = 2; }""", SchemaType.Protobuf);

        var decoded = new PayloadDecoder(Registry).Decode(Framed(id, [0x00, 0x0A, 0x03, (byte)'a', (byte)'n', (byte)'n', 0x10, 0x07]));

        Assert.Contains("acme.User", decoded.Format, StringComparison.Ordinal);
        Assert.Equal("""{"name":"ann","age":7}""", System.Text.Json.Nodes.JsonNode.Parse(decoded.Text)!.ToJsonString());
        Assert.Contains("no PII marking", decoded.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"a\": 1}", "JSON", "{\"a\": 1}")]
    [InlineData("hello world", "text", "hello world")]
    [InlineData("{not json", "text", "{not json")]
    public void Plain_values_are_shown_as_they_are(string value, string format, string text)
    {
        var decoded = new PayloadDecoder(Registry).Decode(Encoding.UTF8.GetBytes(value));

        Assert.Equal(format, decoded.Format);
        Assert.Equal(text, decoded.Text);
    }

    [Fact]
    public void Binary_values_and_unknown_schema_ids_are_shown_as_base64()
    {
        var decoder = new PayloadDecoder(Registry);

        Assert.Equal(new DecodedPayload("//4A", "base64"), decoder.Decode(new byte[] { 0xFF, 0xFE, 0x00 }));
        Assert.Equal("base64", decoder.Decode(Framed(int.MaxValue, "{}"u8)).Format);
        Assert.Equal(DecodedPayload.Null, decoder.Decode(null));
    }

    [Fact]
    public void A_value_that_does_not_decode_with_its_schema_says_why()
    {
        var id = Register("broken", """{"type": "object"}""", SchemaType.Json);

        var decoded = new PayloadDecoder(Registry).Decode(Framed(id, [0xFF, 0x01]));

        Assert.Equal("base64", decoded.Format);
        Assert.Contains($"schema #{id}", decoded.Note, StringComparison.Ordinal);
    }

    private int Register(string prefix, string schema, SchemaType type) =>
        Registry.Register(TestBroker.UniqueName(prefix) + "-value", new SchemaRequest(schema, type, [])).Id;

    private static byte[] Framed(int id, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), id);
        payload.CopyTo(bytes.AsSpan(5));
        return bytes;
    }
}
