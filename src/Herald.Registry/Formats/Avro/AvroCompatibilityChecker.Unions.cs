using Avro;
using AvroSchema = Avro.Schema;
using static Herald.Registry.Formats.Avro.AvroSchemaText;

namespace Herald.Registry.Formats.Avro;

/// <summary>Unions: every branch the old union can hold must find a branch of the new one.</summary>
internal sealed partial class AvroCompatibilityChecker
{
    private List<SchemaDifference> CheckUnions(UnionSchema reader, UnionSchema writer, string path)
    {
        var differences = new List<SchemaDifference>();
        var used = new HashSet<int>();
        foreach (var writerBranch in writer.Schemas)
        {
            var (index, branchDifferences) = ReadIntoUnion(reader, writerBranch, path);
            differences.AddRange(branchDifferences);
            used.Add(index);
        }

        for (var index = 0; index < reader.Count; index++)
        {
            if (!used.Contains(index) && !writer.Schemas.Any(branch => SameBranch(reader.Schemas[index], branch)))
            {
                differences.Add(Compatible(path, AvroDifferenceKinds.UnionBranchAdded,
                    $"the union gained the branch {Describe(reader.Schemas[index])}"));
            }
        }

        return differences;
    }

    /// <summary>Finds the reader branch that reads <paramref name="writer"/> (a non-union), preferring the same type over a promotion.</summary>
    /// <returns>The branch index, or -1 with the reasons none fits.</returns>
    private (int Index, List<SchemaDifference> Differences) ReadIntoUnion(UnionSchema reader, AvroSchema writer, string path)
    {
        var candidates = Enumerable.Range(0, reader.Count).OrderBy(index => SameBranch(reader.Schemas[index], writer) ? 0 : 1).ToList();
        List<SchemaDifference>? sameBranchDifferences = null;
        foreach (var index in candidates)
        {
            var differences = Check(reader.Schemas[index], writer, path);
            if (differences.TrueForAll(difference => difference.IsCompatible))
            {
                return (index, differences);
            }

            if (SameBranch(reader.Schemas[index], writer))
            {
                sameBranchDifferences ??= differences;
            }
        }

        // The same type is there but changed incompatibly: its reasons say more than "branch missing".
        return (-1, sameBranchDifferences ?? [Incompatible(path, AvroDifferenceKinds.MissingUnionBranch,
            $"{Describe(reader)} has no branch that reads {Describe(writer)}: values written as {Describe(writer)} with the old schema cannot be read")]);
    }

    private static bool SameBranch(AvroSchema reader, AvroSchema writer) => (Unwrap(reader), Unwrap(writer)) switch
    {
        (NamedSchema r, NamedSchema w) => SameNamedType(r, w),
        var (r, w) => r.Tag == w.Tag,
    };
}
