namespace Herald.Registry.Tests.Formats.Avro;

/// <summary>Builders for the test schemas: a <c>com.example.User</c> record with the given fields.</summary>
internal static class AvroSchemas
{
    public static string User(params string[] fields) =>
        $$"""{"type":"record","name":"User","namespace":"com.example","fields":[{{string.Join(",", fields)}}]}""";

    public static string Field(string name, string type) => $$"""{"name":"{{name}}","type":{{type}}}""";

    public static string Field(string name, string type, string defaultJson) => $$"""{"name":"{{name}}","type":{{type}},"default":{{defaultJson}}}""";

    public const string Id = """{"name":"id","type":"long"}""";

    public static string Enum(string symbols, string? defaultSymbol = null) =>
        defaultSymbol is null
            ? $$"""{"type":"enum","name":"Color","symbols":[{{symbols}}]}"""
            : $$"""{"type":"enum","name":"Color","symbols":[{{symbols}}],"default":"{{defaultSymbol}}"}""";

    public static string Address(params string[] fields) =>
        $$"""{"type":"record","name":"Address","fields":[{{string.Join(",", fields)}}]}""";

    public static string LinkedList(string valueType) =>
        $$"""{"type":"record","name":"Node","fields":[{"name":"value","type":"{{valueType}}"},{"name":"next","type":["null","Node"],"default":null}]}""";
}
