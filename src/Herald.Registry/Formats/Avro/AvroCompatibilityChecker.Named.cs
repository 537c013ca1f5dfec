using Avro;
using static Herald.Registry.Formats.Avro.AvroSchemaText;

namespace Herald.Registry.Formats.Avro;

/// <summary>Records, enums, fixed types and their names.</summary>
internal sealed partial class AvroCompatibilityChecker
{
    private List<SchemaDifference> CheckRecords(RecordSchema reader, RecordSchema writer, string path)
    {
        if (_records.TryGetValue((reader, writer), out var known))
        {
            return known ?? [];
        }

        _records[(reader, writer)] = null;
        var differences = CheckNames(reader, writer, path);
        var matched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var readerField in reader.Fields)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var fieldPath = $"{path}.{readerField.Name}";
            var writerField = FindWriterField(writer, readerField);
            if (writerField is null)
            {
                differences.Add(FieldAdded(readerField, fieldPath));
                continue;
            }

            matched.Add(writerField.Name);
            if (writerField.Name != readerField.Name)
            {
                differences.Add(Compatible(fieldPath, AvroDifferenceKinds.FieldRenamedWithAlias,
                    $"field '{writerField.Name}' was renamed to '{readerField.Name}', which lists the old name in its aliases"));
            }

            differences.AddRange(Check(readerField.Schema, writerField.Schema, fieldPath));
            if (!Newtonsoft.Json.Linq.JToken.DeepEquals(readerField.DefaultValue, writerField.DefaultValue))
            {
                differences.Add(Compatible(fieldPath, AvroDifferenceKinds.DefaultChanged, DefaultChange(readerField.Name, writerField.DefaultValue, readerField.DefaultValue)));
            }

            if (readerField.Documentation != writerField.Documentation)
            {
                differences.Add(Compatible(fieldPath, AvroDifferenceKinds.DocChanged, $"the doc of field '{readerField.Name}' changed"));
            }
        }

        foreach (var writerField in writer.Fields.Where(field => !matched.Contains(field.Name)))
        {
            differences.Add(Compatible($"{path}.{writerField.Name}", AvroDifferenceKinds.FieldRemoved,
                $"field '{writerField.Name}' ({Describe(writerField.Schema)}) was removed: the new schema skips it in data written with the old one"));
        }

        _records[(reader, writer)] = differences;
        return differences;
    }

    // Avro Java matches by the reader field's name, then by each of its aliases; the writer's aliases do not count.
    private static Field? FindWriterField(RecordSchema writer, Field readerField)
    {
        if (writer.TryGetField(readerField.Name, out var byName))
        {
            return byName;
        }

        foreach (var alias in readerField.Aliases ?? [])
        {
            if (writer.TryGetField(alias, out var byAlias))
            {
                return byAlias;
            }
        }

        return null;
    }

    private static SchemaDifference FieldAdded(Field field, string path)
    {
        if (field.DefaultValue is not null)
        {
            return Compatible(path, AvroDifferenceKinds.FieldAddedWithDefault,
                $"field '{field.Name}' ({Describe(field.Schema)}) was added with the default {Json(field.DefaultValue)}: data written with the old schema reads as the default");
        }

        if (Unwrap(field.Schema) is EnumSchema { Default: { } symbol })
        {
            return Compatible(path, AvroDifferenceKinds.FieldAddedWithDefault,
                $"field '{field.Name}' ({Describe(field.Schema)}) was added without a default, but its enum's default symbol {symbol} fills it in data written with the old schema");
        }

        return Incompatible(path, AvroDifferenceKinds.ReaderFieldMissingDefaultValue,
            $"field '{field.Name}' ({Describe(field.Schema)}) was added without a default: data written with the old schema has no value for it");
    }

    private static List<SchemaDifference> CheckEnums(EnumSchema reader, EnumSchema writer, string path)
    {
        var differences = CheckNames(reader, writer, path);
        var missing = writer.Symbols.Where(symbol => !reader.Contains(symbol)).ToList();
        if (missing.Count > 0)
        {
            differences.Add(reader.Default is { } symbol && reader.Contains(symbol)
                ? Compatible(path, AvroDifferenceKinds.EnumSymbolRemovedWithDefault,
                    $"enum {reader.Name} no longer has the symbols {Symbols(missing)}; old values with them read as the default symbol {symbol}")
                : Incompatible(path, AvroDifferenceKinds.MissingEnumSymbols,
                    $"enum {reader.Name} no longer has the symbols {Symbols(missing)} and declares no default symbol: old values with them cannot be read"));
        }

        var added = reader.Symbols.Where(symbol => !writer.Contains(symbol)).ToList();
        if (added.Count > 0)
        {
            differences.Add(Compatible(path, AvroDifferenceKinds.EnumSymbolAdded, $"enum {reader.Name} gained the symbols {Symbols(added)}"));
        }

        if (reader.Default != writer.Default)
        {
            differences.Add(Compatible(path, AvroDifferenceKinds.DefaultChanged,
                $"the default symbol of enum {reader.Name} changed from {writer.Default ?? "none"} to {reader.Default ?? "none"}"));
        }

        return differences;
    }

    private static List<SchemaDifference> CheckFixed(FixedSchema reader, FixedSchema writer, string path)
    {
        var differences = CheckNames(reader, writer, path);
        if (reader.Size != writer.Size)
        {
            differences.Add(Incompatible(path, AvroDifferenceKinds.FixedSizeMismatch,
                $"fixed {reader.Name} changed its size from {writer.Size} to {reader.Size} bytes: old values cannot be read"));
        }

        return differences;
    }

    // Recent Avro Java compares unqualified names, then the reader's aliases against the writer's full name.
    private static List<SchemaDifference> CheckNames(NamedSchema reader, NamedSchema writer, string path)
    {
        var kind = Schema.GetTypeString(reader.Tag);
        var differences = new List<SchemaDifference>();
        if (reader.Name == writer.Name)
        {
            if (reader.Fullname != writer.Fullname)
            {
                differences.Add(Compatible(path, AvroDifferenceKinds.NamespaceChanged,
                    $"{kind} {writer.Fullname} moved to {reader.Fullname}: Avro matches named types by their unqualified name"));
            }
        }
        else if (Aliases(reader).Contains(writer.Fullname))
        {
            differences.Add(Compatible(path, AvroDifferenceKinds.TypeRenamedWithAlias,
                $"{kind} {writer.Fullname} was renamed to {reader.Fullname}, which lists the old name in its aliases"));
        }
        else
        {
            differences.Add(Incompatible(path, AvroDifferenceKinds.NameMismatch,
                $"{kind} {writer.Fullname} was renamed to {reader.Fullname} without listing '{writer.Fullname}' in its aliases: Avro cannot match the two"));
        }

        if (reader.Documentation != writer.Documentation)
        {
            differences.Add(Compatible(path, AvroDifferenceKinds.DocChanged, $"the doc of {kind} {reader.Name} changed"));
        }

        return differences;
    }

    private static bool SameNamedType(NamedSchema reader, NamedSchema writer) =>
        reader.Tag == writer.Tag && (reader.Name == writer.Name || Aliases(reader).Contains(writer.Fullname));

    private static string DefaultChange(string field, Newtonsoft.Json.Linq.JToken? from, Newtonsoft.Json.Linq.JToken? to) => (from, to) switch
    {
        (null, _) => $"field '{field}' gained the default {Json(to)}",
        (_, null) => $"field '{field}' lost its default {Json(from)}",
        _ => $"the default of field '{field}' changed from {Json(from)} to {Json(to)}: it only applies to data that lacks the field",
    };

    private static string Json(Newtonsoft.Json.Linq.JToken? value) => value?.ToString(Newtonsoft.Json.Formatting.None) ?? "none";
}
