using System.Text.Json.Nodes;
using Herald.Cdc.Model;

namespace Herald.Cdc.Tests.Capture;

/// <summary><c>before</c>, TOAST placeholders and key changes follow the table's REPLICA IDENTITY as in Debezium.</summary>
public sealed class ReplicaIdentityTests
{
    private static readonly string LongText = string.Concat(Enumerable.Range(0, 4000).Select(i => (char)('a' + (i * 7919 % 26)))) + Guid.NewGuid();

    [Fact]
    public async Task Default_identity_before_of_a_delete_has_the_key_and_debezium_fallbacks_and_an_update_has_none()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL, price numeric(8,2) NOT NULL, note text)");
        await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (1, 'a', 5, 9.99, 'n')");
        await context.ExecuteAsync("UPDATE items SET name = 'b' WHERE id = 1");
        await context.ExecuteAsync("DELETE FROM items WHERE id = 1");

        var records = context.Consume(context.Topic("items"), 4);
        Assert.Equal(["c", "u", "d", null], records.Select(r => r.Op));
        Assert.Null(records[1].Envelope["before"]);

        // pgoutput sends only the key; Debezium fills required columns with their type's fallback, optional ones with null.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":1,"name":"","qty":0,"price":"0.00","note":null}"""), records[2].Envelope["before"]), records[2].Value);
    }

    [Fact]
    public async Task Full_identity_before_holds_every_old_column()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text, qty int); ALTER TABLE items REPLICA IDENTITY FULL");
        await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (1, 'a', 5)");
        await context.ExecuteAsync("UPDATE items SET name = 'b' WHERE id = 1");
        await context.ExecuteAsync("DELETE FROM items WHERE id = 1");

        var records = context.Consume(context.Topic("items"), 4);
        Assert.Equal(["c", "u", "d", null], records.Select(r => r.Op));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":1,"name":"a","qty":5}"""), records[1].Envelope["before"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":1,"name":"b","qty":5}"""), records[1].Envelope["after"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":1,"name":"b","qty":5}"""), records[2].Envelope["before"]));
        Assert.Equal("""{"id":1}""", records[3].Key);
    }

    [Fact]
    public async Task Primary_key_update_becomes_delete_tombstone_create_with_key_headers()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text)");
        await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (1, 'a')");
        await context.ExecuteAsync("UPDATE items SET id = 2 WHERE id = 1");

        var records = context.Consume(context.Topic("items"), 4);
        var (delete, tombstone, create) = (records[1], records[2], records[3]);
        Assert.Equal("d", delete.Op);
        Assert.Equal("""{"id":1}""", delete.Key);
        Assert.Equal(1, (int)delete.Envelope["before"]!["id"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":2}"""), JsonNode.Parse(delete.Headers["__debezium.newkey"])));

        Assert.Equal("""{"id":1}""", tombstone.Key);
        Assert.Null(tombstone.Value);

        Assert.Equal("c", create.Op);
        Assert.Equal("""{"id":2}""", create.Key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":2,"name":"a"}"""), create.Envelope["after"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":1}"""), JsonNode.Parse(create.Headers["__debezium.oldkey"])));
        Assert.False(create.Headers.ContainsKey("__debezium.newkey"));
        Assert.Equal((long)delete.Envelope["source"]!["lsn"]!, (long)create.Envelope["source"]!["lsn"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unchanged_toast_value_is_the_placeholder_unless_identity_is_full(bool full)
    {
        await using var context = await CaptureContext.CreateAsync();

        // EXTERNAL storage: out of line and uncompressed, so the value really is TOASTed.
        await context.ExecuteAsync("CREATE TABLE docs (id int PRIMARY KEY, body text, version int); ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL");
        if (full)
        {
            await context.ExecuteAsync("ALTER TABLE docs REPLICA IDENTITY FULL");
        }

        await context.StartAsync(context.Options("docs"));
        await context.ExecuteAsync($"INSERT INTO docs VALUES (1, '{LongText}', 1)");
        await context.ExecuteAsync("UPDATE docs SET version = 2 WHERE id = 1");

        var records = context.Consume(context.Topic("docs"), 2);
        Assert.Equal(LongText, (string?)records[0].Envelope["after"]!["body"]);
        var after = records[1].Envelope["after"]!;
        Assert.Equal(2, (int)after["version"]!);
        Assert.Equal(full ? LongText : ChangeEvent.UnavailableValuePlaceholder, (string?)after["body"]);
    }
}
