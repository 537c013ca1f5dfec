using System.Text.Json.Nodes;

namespace Herald.Cdc.Tests.Capture;

/// <summary>Streamed INSERT, UPDATE, DELETE and TRUNCATE arrive as Debezium envelopes, field by field.</summary>
public sealed class EnvelopeTests
{
    [Fact]
    public async Task Insert_update_delete_truncate_become_c_u_d_tombstone_t()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL, total numeric(10,2))");
        await context.StartAsync(context.Options("public.orders"));

        await context.ExecuteAsync("INSERT INTO orders VALUES (1, 'new', 12.50)");
        await context.ExecuteAsync("UPDATE orders SET status = 'paid' WHERE id = 1");
        await context.ExecuteAsync("DELETE FROM orders WHERE id = 1");
        await context.ExecuteAsync("TRUNCATE orders");

        var records = context.Consume(context.Topic("orders"), 5);
        var database = new Npgsql.NpgsqlConnectionStringBuilder(context.ConnectionString).Database;

        var create = records[0];
        Assert.Equal("""{"id":1}""", create.Key);
        Assert.Equal("c", create.Op);
        Assert.Null(create.Envelope["before"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":1,"status":"new","total":"12.50"}"""), create.Envelope["after"]));
        var source = create.Envelope["source"]!.AsObject();
        Assert.Equal("postgresql", (string?)source["connector"]);
        Assert.Equal(context.Prefix, (string?)source["name"]);
        Assert.Equal(database, (string?)source["db"]);
        Assert.Equal("public", (string?)source["schema"]);
        Assert.Equal("orders", (string?)source["table"]);
        Assert.Equal("false", source["snapshot"]!.ToString());
        Assert.True((long)source["txId"]! > 0);
        Assert.True((long)source["lsn"]! > 0);
        Assert.NotNull(source["version"]);
        Assert.True(source.ContainsKey("xmin"));
        var sourceTs = (long)source["ts_ms"]!;
        Assert.InRange(sourceTs, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.True((long)create.Envelope["ts_ms"]! >= sourceTs);

        var update = records[1];
        Assert.Equal("""{"id":1}""", update.Key);
        Assert.Equal("u", update.Op);
        Assert.Null(update.Envelope["before"]); // REPLICA IDENTITY DEFAULT and the key did not change
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":1,"status":"paid","total":"12.50"}"""), update.Envelope["after"]));
        Assert.True((long)update.Envelope["source"]!["lsn"]! > (long)source["lsn"]!);
        Assert.NotEqual((long)update.Envelope["source"]!["txId"]!, (long)source["txId"]!);

        var delete = records[2];
        Assert.Equal("""{"id":1}""", delete.Key);
        Assert.Equal("d", delete.Op);
        Assert.Equal(1, (int)delete.Envelope["before"]!["id"]!);
        Assert.Null(delete.Envelope["after"]);

        var tombstone = records[3];
        Assert.Equal("""{"id":1}""", tombstone.Key);
        Assert.Null(tombstone.Value);

        var truncate = records[4];
        Assert.Null(truncate.Key);
        Assert.Equal("t", truncate.Op);
        Assert.Null(truncate.Envelope["before"]);
        Assert.Null(truncate.Envelope["after"]);
        Assert.Equal("orders", (string?)truncate.Envelope["source"]!["table"]);
    }
}
