using System.Text;
using System.Text.Json.Nodes;

namespace Herald.Cdc.Tests.Shape;

internal static class JsonAssert
{
    /// <summary>Compares as parsed JSON (member order and whitespace do not matter; values and types do).</summary>
    public static void Equal(string expected, byte[]? actual)
    {
        Assert.NotNull(actual);
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"expected:\n{expectedNode?.ToJsonString()}\nactual:\n{Encoding.UTF8.GetString(actual)}");
    }

    public static JsonNode Parse(byte[]? bytes)
    {
        Assert.NotNull(bytes);
        return JsonNode.Parse(bytes)!;
    }
}
