using Avro;
using AvroSchema = Avro.Schema;
using static Herald.Registry.Formats.Avro.AvroSchemaText;

namespace Herald.Registry.Formats.Avro;

/// <summary>
/// Avro schema resolution as a diff: can a reader with the update's schema decode data written with the original's?
/// Follows Avro Java's <c>SchemaCompatibility</c> and additionally reports the compatible changes.
/// </summary>
/// <remarks>
/// Every check returns its differences instead of recording them, so a union can try its branches without side
/// effects. Record pairs are memoized by identity: a recursive type is checked once, and a pair met again while
/// still being checked counts as compatible, as in Avro Java. A named type reused in several places is therefore
/// reported once, at the first place it was met.
/// </remarks>
internal sealed partial class AvroCompatibilityChecker
{
    private readonly Dictionary<(AvroSchema Reader, AvroSchema Writer), List<SchemaDifference>?> _records = new(PairComparer.Instance);
    private readonly CancellationToken _cancellationToken;

    private AvroCompatibilityChecker(CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
    }

    public static IReadOnlyList<SchemaDifference> Diff(AvroSchema writer, AvroSchema reader, CancellationToken cancellationToken)
    {
        var checker = new AvroCompatibilityChecker(cancellationToken);
        return checker.Check(reader, writer, RootPath(reader)).Distinct().ToList();
    }

    private List<SchemaDifference> Check(AvroSchema reader, AvroSchema writer, string path)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var differences = new List<SchemaDifference>();
        var readerLogical = LogicalTypeName(reader);
        var writerLogical = LogicalTypeName(writer);
        if (readerLogical != writerLogical)
        {
            differences.Add(Compatible(path, AvroDifferenceKinds.LogicalTypeChanged,
                $"the logical type changed from {writerLogical ?? "none"} to {readerLogical ?? "none"}: Avro ignores logical types when reading, but the values may be interpreted differently"));
        }

        var r = Unwrap(reader);
        var w = Unwrap(writer);
        if (r.Tag == w.Tag)
        {
            differences.AddRange(r switch
            {
                ArraySchema array => Check(array.ItemSchema, ((ArraySchema)w).ItemSchema, path + "[]"),
                MapSchema map => Check(map.ValueSchema, ((MapSchema)w).ValueSchema, path + "{}"),
                RecordSchema record => CheckRecords(record, (RecordSchema)w, path),
                EnumSchema enumSchema => CheckEnums(enumSchema, (EnumSchema)w, path),
                FixedSchema fixedSchema => CheckFixed(fixedSchema, (FixedSchema)w, path),
                UnionSchema union => CheckUnions(union, (UnionSchema)w, path),
                _ => [],
            });
        }
        else if (w is UnionSchema writerUnion)
        {
            // Every value the old union can hold must be readable by the new, non-union type.
            foreach (var branch in writerUnion.Schemas)
            {
                differences.AddRange(Check(reader, branch, path).Select(difference =>
                    difference is { IsCompatible: false, Kind: AvroDifferenceKinds.TypeMismatch } && difference.Path == path
                        ? difference with { Message = $"the type changed from {Describe(writerUnion)} to {Describe(reader)}: data written as {Describe(branch)} with the old schema cannot be read" }
                        : difference));
            }
        }
        else if (r is UnionSchema readerUnion)
        {
            var (index, branchDifferences) = ReadIntoUnion(readerUnion, writer, path);
            differences.AddRange(branchDifferences);
            if (index >= 0)
            {
                differences.Add(Compatible(path, AvroDifferenceKinds.UnionBranchAdded,
                    $"{Describe(writer)} became {Describe(readerUnion)}: old values are read as the {Describe(readerUnion.Schemas[index])} branch"));
            }
        }
        else
        {
            differences.Add(CheckPromotion(r.Tag, w.Tag, path));
        }

        return differences;
    }

    private static SchemaDifference CheckPromotion(AvroSchema.Type reader, AvroSchema.Type writer, string path)
    {
        var from = AvroSchema.GetTypeString(writer);
        var to = AvroSchema.GetTypeString(reader);
        return IsPromotion(writer, reader)
            ? Compatible(path, AvroDifferenceKinds.TypePromoted, $"the type was promoted from {from} to {to}: every {from} value reads as a {to}")
            : Incompatible(path, AvroDifferenceKinds.TypeMismatch, $"the type changed from {from} to {to}: data written as {from} with the old schema cannot be read as {to}");
    }

    private static bool IsPromotion(AvroSchema.Type writer, AvroSchema.Type reader) => (writer, reader) switch
    {
        (AvroSchema.Type.Int, AvroSchema.Type.Long or AvroSchema.Type.Float or AvroSchema.Type.Double) => true,
        (AvroSchema.Type.Long, AvroSchema.Type.Float or AvroSchema.Type.Double) => true,
        (AvroSchema.Type.Float, AvroSchema.Type.Double) => true,
        (AvroSchema.Type.String, AvroSchema.Type.Bytes) or (AvroSchema.Type.Bytes, AvroSchema.Type.String) => true,
        _ => false,
    };

    private static SchemaDifference Compatible(string path, string kind, string message) => new(path, kind, message, IsCompatible: true);

    private static SchemaDifference Incompatible(string path, string kind, string message) => new(path, kind, message, IsCompatible: false);

    private sealed class PairComparer : IEqualityComparer<(AvroSchema Reader, AvroSchema Writer)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((AvroSchema Reader, AvroSchema Writer) x, (AvroSchema Reader, AvroSchema Writer) y) =>
            ReferenceEquals(x.Reader, y.Reader) && ReferenceEquals(x.Writer, y.Writer);

        public int GetHashCode((AvroSchema Reader, AvroSchema Writer) pair) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Reader), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Writer));
    }
}
