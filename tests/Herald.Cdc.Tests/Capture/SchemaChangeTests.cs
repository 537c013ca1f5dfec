namespace Herald.Cdc.Tests.Capture;

/// <summary>DDL is not in the stream; the new Relation message after ALTER TABLE refreshes the layout.</summary>
public sealed class SchemaChangeTests
{
    [Fact]
    public async Task A_column_added_while_streaming_appears_in_later_changes()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text)");
        await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (1, 'a')");
        await context.ExecuteAsync("ALTER TABLE items ADD COLUMN price numeric(8,2) NOT NULL DEFAULT 0");
        await context.ExecuteAsync("INSERT INTO items VALUES (2, 'b', 9.99)");
        await context.ExecuteAsync("UPDATE items SET price = 1.50 WHERE id = 1");

        var records = context.Consume(context.Topic("items"), 3);
        Assert.False(records[0].Envelope["after"]!.AsObject().ContainsKey("price"));
        Assert.Equal("9.99", (string?)records[1].Envelope["after"]!["price"]);
        Assert.Equal("1.50", (string?)records[2].Envelope["after"]!["price"]);
        Assert.Equal("a", (string?)records[2].Envelope["after"]!["name"]);
    }
}
