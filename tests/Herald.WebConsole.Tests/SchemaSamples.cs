namespace Herald.WebConsole.Tests;

/// <summary>Three versions of one contract in Avro and in JSON Schema: v2 adds an optional field, v3 a required one.</summary>
internal static class SchemaSamples
{
    public const string AvroV1 = """{"type":"record","name":"Customer","namespace":"herald.test","fields":[{"name":"id","type":"string"}]}""";

    public const string AvroV2 = """{"type":"record","name":"Customer","namespace":"herald.test","fields":[{"name":"id","type":"string"},{"name":"email","type":["null","string"],"default":null}]}""";

    public const string AvroV3 = """{"type":"record","name":"Customer","namespace":"herald.test","fields":[{"name":"id","type":"string"},{"name":"email","type":["null","string"],"default":null},{"name":"phone","type":"string"}]}""";

    public const string JsonV1 = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"],"additionalProperties":false}""";

    public const string JsonV2 = """{"type":"object","properties":{"id":{"type":"string"},"email":{"type":"string"}},"required":["id"],"additionalProperties":false}""";

    public const string JsonV3 = """{"type":"object","properties":{"id":{"type":"string"},"email":{"type":"string"},"phone":{"type":"string"}},"required":["id","phone"],"additionalProperties":false}""";
}
