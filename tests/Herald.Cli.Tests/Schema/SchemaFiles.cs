namespace Herald.Cli.Tests.Schema;

/// <summary>A temporary folder of schema files: the seed's OrderCreated event in three versions, and whatever a test adds.</summary>
public sealed class SchemaFiles : IDisposable
{
    public const string V1 = """
        {
          "type": "object",
          "properties": {
            "order_id": { "type": "string" },
            "amount": { "type": "number" }
          },
          "required": ["order_id", "amount"],
          "additionalProperties": false
        }
        """;

    /// <summary>v1 plus an optional <c>currency</c>: BACKWARD compatible.</summary>
    public const string V2 = """
        {
          "type": "object",
          "properties": {
            "order_id": { "type": "string" },
            "amount": { "type": "number" },
            "currency": { "type": "string" }
          },
          "required": ["order_id", "amount"],
          "additionalProperties": false
        }
        """;

    /// <summary>v2 plus a required <c>customer_email</c>: not BACKWARD compatible.</summary>
    public const string V3 = """
        {
          "type": "object",
          "properties": {
            "order_id": { "type": "string" },
            "amount": { "type": "number" },
            "currency": { "type": "string" },
            "customer_email": { "type": "string" }
          },
          "required": ["order_id", "amount", "customer_email"],
          "additionalProperties": false
        }
        """;

    public string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "herald-schema-tests-" + Guid.NewGuid().ToString("N"))).FullName;

    public string Write(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string OrdersV1() => Write("orders-v1.json", V1);

    public string OrdersV2() => Write("orders-v2.json", V2);

    public string OrdersV3() => Write("orders-v3.json", V3);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
