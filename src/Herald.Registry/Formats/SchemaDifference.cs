namespace Herald.Registry.Formats;

/// <summary>One change between two schemas, with Confluent's verdict on it.</summary>
/// <param name="Path">Where: a JSON pointer (<c>#/properties/email</c>), an Avro field path (<c>User.email</c>) or a Protobuf path (<c>User.email (field 3)</c>).</param>
/// <param name="Kind">The rule, in Confluent's vocabulary where it has one (e.g. <c>REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL</c>, <c>READER_FIELD_MISSING_DEFAULT_VALUE</c>, <c>FIELD_SCALAR_KIND_CHANGED</c>).</param>
/// <param name="Message">A sentence a developer understands: what changed and why it matters.</param>
/// <param name="IsCompatible">Whether the updated schema can still read data written with the original one (the change is backward compatible).</param>
public sealed record SchemaDifference(string Path, string Kind, string Message, bool IsCompatible);
