using Herald.Registry.Formats;
using Herald.Registry.Storage;

namespace Herald.Registry;

/// <summary>A schema as it stands in a subject: what the REST API returns for a version.</summary>
public sealed record RegisteredSchema(string Subject, int Version, int Id, SchemaType Type, string Schema, IReadOnlyList<SchemaReference> References);

/// <summary>A schema by global id.</summary>
public sealed record SchemaById(int Id, SchemaType Type, string Schema, IReadOnlyList<SchemaReference> References);

/// <summary>What a client sends to register, look up or check a schema.</summary>
public sealed record SchemaRequest(string Schema, SchemaType Type, IReadOnlyList<SchemaReference> References);
