using System.Globalization;
using static Herald.Registry.Formats.Json.Diff.DifferenceKind;

namespace Herald.Registry.Formats.Json.Diff;

/// <summary>
/// Confluent's <c>CombinedSchemaDiff</c>: compare the criteria, then pair old and new subschemas with a
/// maximum-cardinality bipartite matching over the compatible pairs.
/// </summary>
internal static class CombinedSchemaDiff
{
    public static void Compare(DiffContext context, CombinedNode original, CombinedNode update)
    {
        if (CompareCriteria(context, original, update) == COMBINED_TYPE_CHANGED)
        {
            return;
        }

        var from = Distinct(original);
        var to = Distinct(update);
        if (from.Count < to.Count)
        {
            context.Add(update.Criterion == Criterion.AllOf ? PRODUCT_TYPE_EXTENDED : SUM_TYPE_EXTENDED);
        }
        else if (from.Count > to.Count)
        {
            context.Add(original.Criterion == Criterion.AllOf ? PRODUCT_TYPE_NARROWED : SUM_TYPE_NARROWED);
        }

        // edges[i][j]: the differences when old subschema i is read as new subschema j, for compatible pairs only.
        var edges = new List<RawDifference>?[from.Count, to.Count];
        var keyword = Keyword(original.Criterion);
        for (var i = 0; i < from.Count; i++)
        {
            using var scope = context.Enter(keyword + "/" + i.ToString(CultureInfo.InvariantCulture));
            for (var j = 0; j < to.Count; j++)
            {
                var sub = context.Subcontext();
                SchemaDiff.Compare(sub, from[i], to[j]);
                if (sub.IsCompatible)
                {
                    edges[i, j] = sub.Differences;
                }
            }
        }

        var matching = BipartiteMatching.Maximum(from.Count, to.Count, (i, j) => edges[i, j] is not null);
        foreach (var (i, j) in matching)
        {
            context.AddRange(edges[i, j]!);
        }

        if (matching.Count < Math.Min(from.Count, to.Count))
        {
            context.Add(COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }

    public static string Keyword(Criterion criterion) => criterion switch
    {
        Criterion.AllOf => "allOf",
        Criterion.AnyOf => "anyOf",
        _ => "oneOf",
    };

    private static DifferenceKind? CompareCriteria(DiffContext context, CombinedNode original, CombinedNode update)
    {
        if (original.Criterion == update.Criterion)
        {
            return null;
        }

        var originalSingleton = original.Subschemas.Count == 1;
        var updateSingleton = update.Subschemas.Count == 1;
        var kind = update.Criterion == Criterion.AnyOf
            || (originalSingleton && updateSingleton)
            || (originalSingleton && update.Criterion == Criterion.OneOf)
            || (updateSingleton && original.Criterion == Criterion.AllOf)
            ? COMBINED_TYPE_EXTENDED
            : COMBINED_TYPE_CHANGED;
        context.Add(kind);
        return kind;
    }

    /// <summary>Collapses duplicate subschemas (same canonical JSON), keeping first occurrences in order.</summary>
    private static List<SchemaNode> Distinct(CombinedNode combined)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<SchemaNode>();
        for (var i = 0; i < combined.Subschemas.Count; i++)
        {
            if (seen.Add(combined.SubschemaTexts[i]))
            {
                result.Add(combined.Subschemas[i]);
            }
        }

        return result;
    }
}
