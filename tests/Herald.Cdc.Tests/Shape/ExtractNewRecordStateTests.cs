using System.Text;
using Herald.Cdc.Model;
using Herald.Cdc.Serialization;
using Herald.Cdc.Transforms;

namespace Herald.Cdc.Tests.Shape;

/// <summary>
/// The unwrap transform against Debezium's documented behaviour (<c>event-flattening.adoc</c>) and its delete strategies
/// (<c>DefaultDeleteHandlingStrategy</c>, <c>LegacyDeleteHandlingStrategy</c>).
/// </summary>
public sealed class ExtractNewRecordStateTests
{
    private const string Topic = "PostgreSQL_server.public.customers";

    /// <summary>What one delete (change + Debezium's tombstone) becomes: "row", "deleted-row", "null-row", "tombstone", in order.</summary>
    [Theory]
    [InlineData("drop", "")]
    [InlineData("tombstone", "null-row")]
    [InlineData("rewrite", "deleted-row")]
    [InlineData("rewrite-with-tombstone", "deleted-row,tombstone")]
    [InlineData("delete-to-tombstone", "tombstone")]
    [InlineData("REWRITE", "deleted-row")]
    public void Each_mode_handles_a_delete_as_debezium_does(string mode, string expected)
    {
        var transform = Unwrap(new() { ["delete.tombstone.handling.mode"] = mode });

        Assert.Equal(expected, Describe(transform.Apply(Customers.Delete(), Topic)));
    }

    [Theory]
    [InlineData("drop", "true", "")]
    [InlineData("none", "true", "null-row")]
    [InlineData("rewrite", "true", "deleted-row")]
    [InlineData("drop", "false", "tombstone")]
    [InlineData("none", "false", "null-row,tombstone")]
    [InlineData("rewrite", "false", "deleted-row,tombstone")]
    public void Legacy_options_map_as_debezium_documents(string deleteHandling, string dropTombstones, string expected)
    {
        var transform = Unwrap(new() { ["delete.handling.mode"] = deleteHandling, ["drop.tombstones"] = dropTombstones });

        Assert.Equal(expected, Describe(transform.Apply(Customers.Delete(), Topic)));
    }

    [Fact]
    public void Legacy_defaults_drop_deletes_when_only_one_legacy_key_is_given()
    {
        var transform = Unwrap(new() { ["drop.tombstones"] = "true" });

        Assert.Empty(transform.Apply(Customers.Delete(), Topic));
    }

    [Fact]
    public void The_new_mode_wins_over_legacy_keys()
    {
        var transform = Unwrap(new() { ["delete.tombstone.handling.mode"] = "rewrite", ["delete.handling.mode"] = "drop" });

        Assert.Equal("deleted-row", Describe(transform.Apply(Customers.Delete(), Topic)));
    }

    [Fact]
    public void No_configuration_means_tombstone_mode()
    {
        Assert.Equal("null-row", Describe(new ExtractNewRecordState().Apply(Customers.Delete(), Topic)));
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("tombstone")]
    [InlineData("rewrite")]
    [InlineData("rewrite-with-tombstone")]
    [InlineData("delete-to-tombstone")]
    public void Truncates_are_dropped_in_every_mode(string mode)
    {
        Assert.Empty(Unwrap(new() { ["delete.tombstone.handling.mode"] = mode }).Apply(Customers.Truncate(), Topic));
    }

    [Fact]
    public void Legacy_keep_tombstones_passes_a_truncate_through_unchanged()
    {
        var record = Assert.Single(Unwrap(new() { ["drop.tombstones"] = "false" }).Apply(Customers.Truncate(), Topic));

        Assert.Null(record.Key);
        Assert.Equal("t", JsonAssert.Parse(record.Value)["op"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("tombstone")]
    [InlineData("delete-to-tombstone")]
    [InlineData("drop")]
    public void Creates_updates_and_snapshot_reads_become_the_after_row(string mode)
    {
        var transform = Unwrap(new() { ["delete.tombstone.handling.mode"] = mode });

        foreach (var change in new[] { Customers.Create(), Customers.Update(), Customers.Read() })
        {
            var record = Assert.Single(transform.Apply(change, Topic));
            JsonAssert.Equal("""{"id":1}""", record.Key);
            JsonAssert.Equal(Customers.Row(1, change.After!["first_name"]!.GetValue<string>()).ToJsonString(), record.Value);
        }
    }

    [Fact]
    public void Rewrite_marks_live_rows_not_deleted()
    {
        var record = Assert.Single(Unwrap(new() { ["delete.tombstone.handling.mode"] = "rewrite" }).Apply(Customers.Create(), Topic));

        Assert.Equal("false", JsonAssert.Parse(record.Value)["__deleted"]!.GetValue<string>());
    }

    [Fact]
    public void Add_fields_and_headers_match_the_documented_update_example()
    {
        var transform = Unwrap(new()
        {
            ["transforms.unwrap.type"] = "io.debezium.transforms.ExtractNewRecordState",
            ["transforms.unwrap.delete.tombstone.handling.mode"] = "rewrite",
            ["transforms.unwrap.add.fields"] = "op,table,lsn,source.ts_ms",
            ["transforms.unwrap.add.headers"] = "db",
        });

        var record = Assert.Single(transform.Apply(Customers.Update(), Topic));

        JsonAssert.Equal(
            """
            {"id":1,"first_name":"Anne Marie","last_name":"Kretchmar","email":"annek@noanswer.org",
             "__deleted":"false","__op":"u","__table":"customers","__lsn":24023128,"__source_ts_ms":1559033904863}
            """,
            record.Value);
        Assert.Equal(new KeyValuePair<string, string>("__db", "postgres"), Assert.Single(record.Headers));
    }

    [Fact]
    public void Rewritten_delete_under_default_replica_identity_has_debezium_fallbacks_in_required_columns_and_metadata()
    {
        var transform = Unwrap(new()
        {
            ["delete.tombstone.handling.mode"] = "rewrite",
            ["add.fields"] = "op,lsn",
        });

        var record = Assert.Single(transform.Apply(Customers.Delete(), Topic));

        JsonAssert.Equal(
            """{"id":1,"first_name":"","last_name":"","email":"","__deleted":"true","__op":"d","__lsn":46523128}""",
            record.Value);
    }

    [Fact]
    public void Add_fields_use_the_prefix_renames_and_add_missing_fields_as_null()
    {
        var transform = Unwrap(new()
        {
            ["add.fields"] = "ts_ms,source.ts_ms:EVENT_TIMESTAMP,txId,id,nonexistent",
            ["add.fields.prefix"] = "m_",
        });

        var value = JsonAssert.Parse(Assert.Single(transform.Apply(Customers.Create(), Topic)).Value);

        Assert.Equal(1559033904863, value["m_ts_ms"]!.GetValue<long>());
        Assert.Equal(1559033904863, value["m_EVENT_TIMESTAMP"]!.GetValue<long>());
        Assert.Equal(555, value["m_txId"]!.GetValue<long>());
        Assert.True(value.AsObject().ContainsKey("m_id"));
        Assert.Null(value["m_id"]);
        Assert.True(value.AsObject().ContainsKey("m_nonexistent"));
        Assert.Null(value["m_nonexistent"]);
    }

    [Fact]
    public void Add_headers_skip_missing_fields_and_put_op_d_on_a_kept_tombstone()
    {
        var transform = Unwrap(new()
        {
            ["delete.tombstone.handling.mode"] = "rewrite-with-tombstone",
            ["add.headers"] = "op,lsn,source.ts_ms,nonexistent",
            ["add.headers.prefix"] = "dbz.",
        });

        var records = transform.Apply(Customers.Delete() with { Headers = [new("trace", "1")] }, Topic);

        Assert.Equal(
            ["trace=1", "dbz.op=d", "dbz.lsn=46523128", "dbz.source_ts_ms=1559033904863"],
            records[0].Headers.Select(h => $"{h.Key}={h.Value}"));
        Assert.Equal(["trace=1", "dbz.op=d"], records[1].Headers.Select(h => $"{h.Key}={h.Value}"));
    }

    [Fact]
    public void Tombstone_mode_keeps_the_value_schema_so_the_converter_writes_a_null_row_not_a_kafka_tombstone()
    {
        var withSchemas = new ExtractNewRecordState(serializer: new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true }));

        var bare = Assert.Single(new ExtractNewRecordState().Apply(Customers.Delete(), Topic));
        var enveloped = Assert.Single(withSchemas.Apply(Customers.Delete(), Topic));

        Assert.Equal("null", Encoding.UTF8.GetString(bare.Value!));
        var value = JsonAssert.Parse(enveloped.Value);
        Assert.Equal("PostgreSQL_server.public.customers.Value", value["schema"]!["name"]!.GetValue<string>());
        Assert.Null(value["payload"]);
    }

    [Fact]
    public void With_schemas_added_fields_extend_the_value_schema_as_optional_fields()
    {
        var transform = new ExtractNewRecordState(
            ExtractNewRecordStateOptions.Parse(new Dictionary<string, string> { ["delete.tombstone.handling.mode"] = "rewrite", ["add.fields"] = "lsn" }),
            new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = true }));

        var value = JsonAssert.Parse(Assert.Single(transform.Apply(Customers.Create(), Topic)).Value);

        var fields = value["schema"]!["fields"]!.AsArray();
        Assert.Equal(["id", "first_name", "last_name", "email", "__deleted", "__lsn"], fields.Select(f => f!["field"]!.GetValue<string>()));
        JsonAssert.Equal("""{"type":"int64","optional":true,"field":"__lsn"}""", Encoding.UTF8.GetBytes(fields[5]!.ToJsonString()));
        Assert.Equal(24023128, value["payload"]!["__lsn"]!.GetValue<long>());
    }

    [Fact]
    public void Route_by_field_takes_the_topic_from_the_row()
    {
        var transform = Unwrap(new() { ["route.by.field"] = "last_name", ["delete.tombstone.handling.mode"] = "rewrite" });

        Assert.Equal("Kretchmar", Assert.Single(transform.Apply(Customers.Create(), Topic)).Topic);
        Assert.Equal(Topic, Assert.Single(transform.Apply(Customers.Delete(), Topic)).Topic);
    }

    [Fact]
    public void Drop_fields_header_removes_only_optional_fields_unless_told_otherwise()
    {
        var table = Customers.Table with
        {
            Columns = [.. Customers.Table.Columns.Select(c => c.Name == "email" ? c with { Optional = true } : c)],
        };
        var change = Customers.Create() with { Table = table, Headers = [new("drop", """["email","last_name"]""")] };

        var compatible = Unwrap(new() { ["drop.fields.header.name"] = "drop" }).Apply(change, Topic);
        var all = Unwrap(new() { ["drop.fields.header.name"] = "drop", ["drop.fields.keep.schema.compatible"] = "false" }).Apply(change, Topic);

        JsonAssert.Equal("""{"id":1,"first_name":"Anne","last_name":"Kretchmar"}""", Assert.Single(compatible).Value);
        JsonAssert.Equal("""{"id":1,"first_name":"Anne"}""", Assert.Single(all).Value);
    }

    [Theory]
    [InlineData("delete.tombstone.handling.mode", "soft", "delete.tombstone.handling.mode 'soft'")]
    [InlineData("delete.handling.mode", "keep", "delete.handling.mode 'keep'")]
    [InlineData("drop.tombstones", "yes", "drop.tombstones must be true or false")]
    [InlineData("add.fields", "a:b:c", "'a:b:c'")]
    [InlineData("delete.tombstone.handlng.mode", "drop", "unknown ExtractNewRecordState option 'delete.tombstone.handlng.mode'")]
    [InlineData("type", "org.apache.kafka.connect.transforms.ExtractField$Value", "is not io.debezium.transforms.ExtractNewRecordState")]
    public void Bad_configuration_is_a_clear_error(string key, string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => ExtractNewRecordStateOptions.Parse(new Dictionary<string, string> { [key] = value }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static ExtractNewRecordState Unwrap(Dictionary<string, string> configuration) =>
        new(ExtractNewRecordStateOptions.Parse(configuration));

    private static string Describe(IReadOnlyList<CdcRecord> records) => string.Join(",", records.Select(r =>
    {
        Assert.NotNull(r.Key);
        if (r.Value is null)
        {
            return "tombstone";
        }

        var value = System.Text.Json.Nodes.JsonNode.Parse(r.Value);
        return value is null ? "null-row" : value["__deleted"]?.GetValue<string>() == "true" ? "deleted-row" : "row";
    }));
}
