using System.Text.Json.Nodes;

namespace Herald.Cdc.Serialization;

/// <summary>A field appended to a flattened row (e.g. <c>__op</c>, <c>__deleted</c>): name, Connect type and value.</summary>
/// <param name="Name">The field name, prefix included.</param>
/// <param name="ConnectType">The Kafka Connect type for the inline schema (<c>string</c>, <c>int64</c>, …); added fields are optional.</param>
/// <param name="Value">The value, or null.</param>
public readonly record struct AddedField(string Name, string ConnectType, JsonNode? Value);
