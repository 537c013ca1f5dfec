using System.Text.Json.Nodes;

namespace Herald.Cdc.Tests.Capture;

/// <summary>Column values map as Debezium maps them, identically in the snapshot (<c>r</c>) and in the stream (<c>c</c>).</summary>
public sealed class TypeMappingTests
{
    private const string Columns = """
        id int PRIMARY KEY,
        amount numeric(12,4), ratio double precision, small smallint, big bigint, flag boolean,
        created timestamp, created_ms timestamp(3), created_tz timestamptz, day date, at_time time,
        doc json, docb jsonb, ident uuid, numbers int[], words text[], payload bytea, note varchar(20), period interval
        """;

    private const string Values = """
        1234.5678, 0.25, -7, 9007199254740993, true,
        '2024-03-05 06:07:08.123456', '2024-03-05 06:07:08.123', '2024-03-05 06:07:08.5+02', '2024-03-05', '01:02:03.5',
        '{"a": [1, 2]}', '{"b": {"c": true}}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,3}', '{"x y","q\"z",NULL}', '\x00ff10', 'hello', '1 day 2 hours'
        """;

    private static readonly JsonObject Expected = JsonNode.Parse("""
        {
          "amount": "1234.5678", "ratio": 0.25, "small": -7, "big": 9007199254740993, "flag": true,
          "created": 1709618828123456, "created_ms": 1709618828123, "created_tz": "2024-03-05T04:07:08.5Z",
          "day": 19787, "at_time": 3723500000,
          "doc": "{\"a\": [1, 2]}", "docb": "{\"b\": {\"c\": true}}", "ident": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
          "numbers": [1, null, 3], "words": ["x y", "q\"z", null], "payload": "AP8Q", "note": "hello", "period": 93600000000
        }
        """)!.AsObject();

    [Fact]
    public async Task Types_map_like_Debezium_in_snapshot_and_stream()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync($"CREATE TABLE typed ({Columns})");
        await context.ExecuteAsync($"INSERT INTO typed VALUES (1, {Values})");
        await context.StartAsync(context.Options("typed"));
        await context.ExecuteAsync($"INSERT INTO typed VALUES (2, {Values})");
        await context.ExecuteAsync("INSERT INTO typed (id) VALUES (3)");

        var records = context.Consume(context.Topic("typed"), 3);
        Assert.Equal(["r", "c", "c"], records.Select(r => r.Op));
        foreach (var (record, id) in records.Take(2).Zip([1, 2]))
        {
            var after = record.Envelope["after"]!.AsObject();
            Assert.Equal(id, (int)after["id"]!);
            foreach (var (name, value) in Expected)
            {
                Assert.True(JsonNode.DeepEquals(value, after[name]), $"{name}: expected {value?.ToJsonString()}, got {after[name]?.ToJsonString()} (op {record.Op})");
            }
        }

        var nulls = records[2].Envelope["after"]!.AsObject();
        Assert.All(Expected, pair => Assert.True(nulls.ContainsKey(pair.Key) && nulls[pair.Key] is null, pair.Key));
    }
}
