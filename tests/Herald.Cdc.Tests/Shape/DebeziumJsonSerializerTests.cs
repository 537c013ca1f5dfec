using System.Text.Json.Nodes;
using Herald.Cdc.Model;
using Herald.Cdc.Serialization;

namespace Herald.Cdc.Tests.Shape;

/// <summary>
/// Golden tests against the examples in Debezium's PostgreSQL connector documentation (<c>postgresql.adoc</c>,
/// "Change event keys" and "create events"), in the JSON converter's real struct-schema form. Differences from the
/// documentation's text: <c>source.snapshot</c> is the <c>io.debezium.data.Enum</c> string current Debezium emits, and
/// <c>ts_us</c>/<c>ts_ns</c> are not written. Where the documentation abbreviates (a delete's <c>before</c>), the golden
/// comes from Debezium's source and its own tests, named next to the case.
/// </summary>
public sealed class DebeziumJsonSerializerTests
{
    private const string CustomerColumns = """
        [
          {"type":"int32","optional":false,"field":"id"},
          {"type":"string","optional":false,"field":"first_name"},
          {"type":"string","optional":false,"field":"last_name"},
          {"type":"string","optional":false,"field":"email"}
        ]
        """;

    private const string SourceSchema = """
        {"type":"struct","fields":[
          {"type":"string","optional":false,"field":"version"},
          {"type":"string","optional":false,"field":"connector"},
          {"type":"string","optional":false,"field":"name"},
          {"type":"int64","optional":false,"field":"ts_ms"},
          {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,
           "parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},
           "default":"false","field":"snapshot"},
          {"type":"string","optional":false,"field":"db"},
          {"type":"string","optional":true,"field":"sequence"},
          {"type":"string","optional":false,"field":"schema"},
          {"type":"string","optional":false,"field":"table"},
          {"type":"int64","optional":true,"field":"txId"},
          {"type":"int64","optional":true,"field":"lsn"},
          {"type":"int64","optional":true,"field":"xmin"}
        ],"optional":false,"name":"io.debezium.connector.postgresql.Source","field":"source"}
        """;

    private const string CreatePayload = """
        {
          "before": null,
          "after": {"id":1,"first_name":"Anne","last_name":"Kretchmar","email":"annek@noanswer.org"},
          "source": {
            "version":"herald-1.0","connector":"postgresql","name":"PostgreSQL_server","ts_ms":1559033904863,
            "snapshot":"false","db":"postgres","sequence":"[\"24023119\",\"24023128\"]","schema":"public",
            "table":"customers","txId":555,"lsn":24023128,"xmin":null
          },
          "op":"c",
          "ts_ms":1559033904863
        }
        """;

    [Fact]
    public void Key_without_schema_is_the_key_struct()
    {
        var serializer = new DebeziumJsonSerializer();

        JsonAssert.Equal("""{"id":1}""", serializer.SerializeKey(Customers.Create()));
    }

    [Fact]
    public void Key_with_schema_names_the_struct_after_prefix_schema_and_table()
    {
        var serializer = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true });

        JsonAssert.Equal(
            """
            {"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,
                       "name":"PostgreSQL_server.public.customers.Key"},
             "payload":{"id":1}}
            """,
            serializer.SerializeKey(Customers.Create()));
    }

    [Fact]
    public void Truncate_has_no_key()
    {
        Assert.Null(new DebeziumJsonSerializer().SerializeKey(Customers.Truncate()));
    }

    [Fact]
    public void Create_envelope_without_schema_matches_the_documented_payload()
    {
        JsonAssert.Equal(CreatePayload, new DebeziumJsonSerializer().SerializeEnvelope(Customers.Create()));
    }

    [Fact]
    public void Create_envelope_with_schema_matches_the_documented_envelope_schema()
    {
        var serializer = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true });

        JsonAssert.Equal(
            $$"""
            {
              "schema": {
                "type":"struct",
                "fields":[
                  {"type":"struct","fields":{{CustomerColumns}},"optional":true,"name":"PostgreSQL_server.public.customers.Value","field":"before"},
                  {"type":"struct","fields":{{CustomerColumns}},"optional":true,"name":"PostgreSQL_server.public.customers.Value","field":"after"},
                  {{SourceSchema}},
                  {"type":"string","optional":false,"field":"op"},
                  {"type":"int64","optional":true,"field":"ts_ms"}
                ],
                "optional":false,
                "name":"PostgreSQL_server.public.customers.Envelope"
              },
              "payload": {{CreatePayload}}
            }
            """,
            serializer.SerializeEnvelope(Customers.Create()));
    }

    // Debezium's documentation abbreviates this payload to {"id":1}, but the JsonConverter writes every field of the
    // before struct. What the connector puts in the fields pgoutput did not send comes from its source:
    // PostgresChangeRecordEmitter.columnValues leaves them null, and JdbcValueConverters.convertValue turns null into
    // null for an optional column and into the type's fallback for a required one ("" for a string, 0 for numbers,
    // DBZ-1158: RecordsStreamProducerIT.shouldProcessNotNullColumnsFallbacksReplicaIdentity).
    private const string DeletePayloadBefore = """{"id":1,"first_name":"","last_name":"","email":""}""";

    [Fact]
    public void Delete_under_default_replica_identity_fills_required_columns_of_before_as_debezium_does()
    {
        var envelope = JsonAssert.Parse(new DebeziumJsonSerializer().SerializeEnvelope(Customers.Delete()));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(DeletePayloadBefore), envelope["before"]), envelope["before"]?.ToJsonString());
        Assert.Null(envelope["after"]);
        Assert.Equal("d", envelope["op"]!.GetValue<string>());
        Assert.Equal(46523128UL, envelope["source"]!["lsn"]!.GetValue<ulong>());
    }

    [Fact]
    public void Delete_with_schema_has_a_value_for_every_required_field_of_before()
    {
        var serializer = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true });

        var record = JsonAssert.Parse(serializer.SerializeEnvelope(Customers.Delete()));

        ConnectStruct.AssertConforms(record["schema"]!, record["payload"]);
        var beforeSchema = record["schema"]!["fields"]!.AsArray().Single(f => (string?)f!["field"] == "before")!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(CustomerColumns), beforeSchema["fields"]), beforeSchema.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(DeletePayloadBefore), record["payload"]!["before"]), record["payload"]!["before"]?.ToJsonString());
    }

    [Fact]
    public void Required_columns_a_delete_did_not_carry_get_the_fallback_of_their_type_and_optional_ones_stay_null()
    {
        // Fallbacks per type from JdbcValueConverters/PostgresValueConverter under Herald's settings (decimal and
        // money as strings, numeric intervals, bytes as base64): the zero of the representation, "" for text.
        var table = new TableSchema(
            "public",
            "everything",
            [
                new ColumnSchema("id", "int8", "int64", null, Optional: false, IsKey: true),
                new ColumnSchema("small", "int2", "int16", null, Optional: false, IsKey: false),
                new ColumnSchema("real", "float4", "float32", null, Optional: false, IsKey: false),
                new ColumnSchema("flag", "bool", "boolean", null, Optional: false, IsKey: false),
                new ColumnSchema("amount", "numeric", "string", null, Optional: false, IsKey: false, Scale: 2),
                new ColumnSchema("ratio", "numeric", "string", null, Optional: false, IsKey: false),
                new ColumnSchema("price", "money", "string", null, Optional: false, IsKey: false),
                new ColumnSchema("doc", "jsonb", "string", "io.debezium.data.Json", Optional: false, IsKey: false),
                new ColumnSchema("blob", "bytea", "bytes", null, Optional: false, IsKey: false),
                new ColumnSchema("day", "date", "int32", "io.debezium.time.Date", Optional: false, IsKey: false),
                new ColumnSchema("at", "timestamptz", "string", "io.debezium.time.ZonedTimestamp", Optional: false, IsKey: false),
                new ColumnSchema("clock", "timetz", "string", "io.debezium.time.ZonedTime", Optional: false, IsKey: false),
                new ColumnSchema("tags", "_text", "array", null, Optional: false, IsKey: false, ElementConnectType: "string"),
                new ColumnSchema("note", "text", "string", null, Optional: true, IsKey: false),
            ],
            ReplicaIdentityFull: false);
        var change = new ChangeEvent(
            ChangeOperation.Delete, table, new JsonObject { ["id"] = 7L }, new JsonObject { ["id"] = 7L }, null,
            new SourceInfo("shop", 1, "false", "db", "public", "everything", null, 99, null), 2);
        var serializer = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true });

        var record = JsonAssert.Parse(serializer.SerializeEnvelope(change));

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""
                {"id":7,"small":0,"real":0.0,"flag":false,"amount":"0.00","ratio":"0","price":"0.00","doc":"","blob":"",
                 "day":0,"at":"1970-01-01T00:00:00Z","clock":"00:00:00Z","tags":[],"note":null}
                """),
            record["payload"]!["before"]), record["payload"]!["before"]?.ToJsonString());
        ConnectStruct.AssertConforms(record["schema"]!, record["payload"]);
    }

    [Fact]
    public void Truncate_envelope_has_no_rows()
    {
        var envelope = JsonAssert.Parse(new DebeziumJsonSerializer().SerializeEnvelope(Customers.Truncate()));

        Assert.Null(envelope["before"]);
        Assert.Null(envelope["after"]);
        Assert.Equal("t", envelope["op"]!.GetValue<string>());
        Assert.Equal("customers", envelope["source"]!["table"]!.GetValue<string>());
    }

    [Fact]
    public void Logical_types_arrays_and_names_that_avro_rejects_are_written_like_debezium()
    {
        var table = new TableSchema(
            "sales-eu",
            "orders",
            [
                new ColumnSchema("id", "int8", "int64", null, Optional: false, IsKey: true),
                new ColumnSchema("placed_at", "timestamp", "int64", "io.debezium.time.MicroTimestamp", Optional: true, IsKey: false),
                new ColumnSchema("tags", "_text", "array", null, Optional: true, IsKey: false, ElementConnectType: "string"),
            ],
            ReplicaIdentityFull: false);
        var row = new JsonObject { ["id"] = 7L, ["placed_at"] = 1700000000000000L, ["tags"] = new JsonArray("a", "ü") };
        var change = new ChangeEvent(
            ChangeOperation.Create, table, new JsonObject { ["id"] = 7L }, null, row,
            new SourceInfo("shop", 1, "false", "db", "sales-eu", "orders", null, 99, null), 2);
        var serializer = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true });

        var value = JsonAssert.Parse(serializer.SerializeRow(change, row, []));

        JsonAssert.Equal(
            """
            {"type":"struct","fields":[
              {"type":"int64","optional":false,"field":"id"},
              {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"placed_at"},
              {"type":"array","items":{"type":"string","optional":true},"optional":true,"field":"tags"}
            ],"optional":true,"name":"shop.sales_eu.orders.Value"}
            """,
            System.Text.Encoding.UTF8.GetBytes(value["schema"]!.ToJsonString()));
        Assert.Equal("ü", value["payload"]!["tags"]![1]!.GetValue<string>());
    }

    [Fact]
    public void Serializing_is_safe_from_many_threads()
    {
        var serializer = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true });
        var expected = serializer.SerializeEnvelope(Customers.Create());

        Parallel.For(0, 200, i =>
        {
            var id = i % 7;
            var bytes = serializer.SerializeEnvelope(Customers.Create(id));
            Assert.Equal(id, JsonAssert.Parse(bytes)["payload"]!["after"]!["id"]!.GetValue<int>());
        });
        Assert.Equal(expected, serializer.SerializeEnvelope(Customers.Create()));
    }
}
