namespace Herald.Cli.Tests.Schema;

/// <summary>A temporary folder of schema files: the seed's OrderCreated event in three versions, and whatever a test adds.</summary>
public sealed class SchemaFiles : IDisposable
{
    /// <summary>The drill's v1: a closed model with required <c>order_id</c> and <c>amount</c>.</summary>
    public const string V1 = Herald.Cli.Commands.DrillCommand.OrderCreatedV1;

    /// <summary>v1 plus an optional <c>currency</c>: BACKWARD compatible.</summary>
    public const string V2 = Herald.Cli.Commands.DrillCommand.OrderCreatedV2;

    /// <summary>v2 plus a required <c>customer_email</c>: not BACKWARD compatible.</summary>
    public const string V3 = Herald.Cli.Commands.DrillCommand.OrderCreatedV3;

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
