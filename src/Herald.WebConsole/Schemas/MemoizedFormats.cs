using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Herald.Registry.Formats;

namespace Herald.WebConsole.Schemas;

/// <summary>
/// The registry's formats with each <c>Diff(original, update)</c> computed once per pair of parsed schemas and policy.
/// </summary>
/// <remarks>
/// A subject page asks for the same pairs many times: the seven levels' checks repeat one another (FULL_TRANSITIVE is
/// every diff of BACKWARD_TRANSITIVE and FORWARD_TRANSITIVE again), the field changes repeat BACKWARD's and FORWARD's,
/// and every reload repeats them all. A diff is a pure function of two parsed schemas, and
/// <see cref="ReferenceResolver"/> hands out the same parsed object for the same schema id, so the answers are kept
/// with the parsed objects: they go when the parse cache lets go of those.
/// </remarks>
internal static class MemoizedFormats
{
    private static readonly ConditionalWeakTable<SchemaFormats, SchemaFormats> Memoized = [];

    /// <summary>Formats that answer like <paramref name="formats"/>, remembering their diffs; one per <paramref name="formats"/>.</summary>
    public static SchemaFormats Of(SchemaFormats formats) =>
        Memoized.GetValue(formats, f => new SchemaFormats(Enum.GetValues<SchemaType>().Select(t => Installed(f, t)).OfType<ISchemaFormat>().Select(i => new Format(i))));

    private static ISchemaFormat? Installed(SchemaFormats formats, SchemaType type)
    {
        try
        {
            return formats.Get(type);
        }
        catch (InvalidSchemaException)
        {
            return null;
        }
    }

    private sealed class Format(ISchemaFormat inner) : ISchemaFormat
    {
        private readonly ConditionalWeakTable<ParsedSchema, ConcurrentDictionary<(ParsedSchema, CompatibilityPolicy), IReadOnlyList<SchemaDifference>>> _diffs = [];

        public SchemaType Type => inner.Type;

        public ParsedSchema Parse(string schema, IReadOnlyDictionary<string, string> references) => inner.Parse(schema, references);

        public IReadOnlyList<SchemaDifference> Diff(ParsedSchema original, ParsedSchema update, CompatibilityPolicy policy, CancellationToken cancellationToken)
        {
            var byUpdate = _diffs.GetOrCreateValue(original);
            if (!byUpdate.TryGetValue((update, policy), out var differences))
            {
                // A cancelled or failed diff throws before anything is kept, so the next page tries again.
                differences = inner.Diff(original, update, policy, cancellationToken);
                byUpdate[(update, policy)] = differences;
            }

            return differences;
        }
    }
}
