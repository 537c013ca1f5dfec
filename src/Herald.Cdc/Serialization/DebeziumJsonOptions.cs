namespace Herald.Cdc.Serialization;

/// <summary>How <see cref="DebeziumJsonSerializer"/> writes records (Kafka Connect <c>JsonConverter</c> settings).</summary>
/// <remarks>
/// The default writes bare payloads, like <c>key.converter.schemas.enable=false</c> and
/// <c>value.converter.schemas.enable=false</c>; turn <see cref="SchemasEnabled"/> on to get the
/// <c>{"schema":…,"payload":…}</c> form consumers without a schema registry can read types from.
/// </remarks>
public sealed record DebeziumJsonOptions
{
    /// <summary>The options Debezium users most often run with: no inline schemas.</summary>
    public static DebeziumJsonOptions Default { get; } = new();

    /// <summary>Write <c>{"schema":…,"payload":…}</c> for keys and values (<c>schemas.enable=true</c>). Default false.</summary>
    public bool SchemasEnabled { get; init; }
}
