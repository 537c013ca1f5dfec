using static Herald.Registry.Tests.Formats.Protobuf.ProtobufTestSchemas;

namespace Herald.Registry.Tests.Formats.Protobuf;

public sealed class ProtobufMessageIndexTests
{
    private const string Schema = """
        syntax = "proto3";
        package acme;
        message Ping { string id = 1; }
        enum Color { RED = 0; }
        message Order {
          map<string, int32> counts = 1;
          message Line { string sku = 1; }
          enum State { NEW = 0; }
          message Payment {
            message Card { string number = 1; }
          }
        }
        """;

    [Fact]
    public void Message_names_are_listed_depth_first_in_declaration_order()
    {
        Assert.Equal(["acme.Ping", "acme.Order", "acme.Order.Line", "acme.Order.Payment", "acme.Order.Payment.Card"], Parse(Schema).MessageNames);
    }

    [Theory]
    [InlineData("acme.Ping", new[] { 0 })]
    [InlineData("acme.Order", new[] { 1 })]
    [InlineData("acme.Order.Line", new[] { 1, 0 })]
    [InlineData(".acme.Order.Payment", new[] { 1, 1 })]
    [InlineData("acme.Order.Payment.Card", new[] { 1, 1, 0 })]
    public void Message_index_paths_skip_enums_and_map_entries(string name, int[] expected)
    {
        var schema = Parse(Schema);

        Assert.Equal(expected, schema.GetMessageIndexes(name));
        Assert.True(schema.TryGetMessageName(expected, out var found));
        Assert.Equal(name.TrimStart('.'), found);
    }

    [Fact]
    public void Empty_index_path_means_the_first_message()
    {
        Assert.True(Parse(Schema).TryGetMessageName([], out var name));
        Assert.Equal("acme.Ping", name);
    }

    [Fact]
    public void Unknown_messages_and_paths_are_reported()
    {
        var schema = Parse(Schema);

        Assert.Throws<KeyNotFoundException>(() => schema.GetMessageIndexes("acme.Color"));
        Assert.False(schema.TryGetMessageIndexes("acme.Missing", out _));
        Assert.False(schema.TryGetMessageName([2], out _));
        Assert.False(schema.TryGetMessageName([1, 5], out _));
    }
}
