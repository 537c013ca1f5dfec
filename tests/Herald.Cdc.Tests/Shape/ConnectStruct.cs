using System.Text.Json.Nodes;

namespace Herald.Cdc.Tests.Shape;

/// <summary>The check Kafka Connect's <c>JsonConverter</c> makes when it reads a record: a value fits its schema.</summary>
internal static class ConnectStruct
{
    /// <summary>Fails when a required field is null or missing anywhere in <paramref name="value"/>.</summary>
    public static void AssertConforms(JsonNode schema, JsonNode? value, string path = "$")
    {
        if (value is null)
        {
            Assert.True((bool?)schema["optional"] ?? false, $"{path} is null but its schema is not optional: {schema.ToJsonString()}");
            return;
        }

        switch ((string?)schema["type"])
        {
            case "struct":
                var row = Assert.IsType<JsonObject>(value);
                foreach (var field in schema["fields"]!.AsArray())
                {
                    var name = (string)field!["field"]!;
                    AssertConforms(field, row[name], $"{path}.{name}");
                }

                break;
            case "array":
                foreach (var (item, index) in value.AsArray().Select((item, index) => (item, index)))
                {
                    AssertConforms(schema["items"]!, item, $"{path}[{index}]");
                }

                break;
        }
    }
}
