using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Herald.Registry;
using Herald.Registry.Formats;
using Herald.Registry.Storage;

namespace Herald.WebConsole.Schemas;

/// <summary>Parses registered schemas with their references resolved the way the registry resolves them.</summary>
/// <remarks>
/// Parsing is most of a subject page's cost (a 100-field Avro record takes milliseconds), so parsed schemas are kept
/// by global id, a few hundred per registry: an id always names the same text and references, so its parse never
/// changes — unless a reference says "latest" (-1), and those are parsed every time. The formats' diffs only read
/// a parsed schema, as the registry's own cache of them relies on too.
/// </remarks>
internal static class ReferenceResolver
{
    private const int CacheSize = 512;

    private static readonly ConditionalWeakTable<SchemaRegistry, ConcurrentDictionary<int, ParsedSchema>> Caches = [];

    /// <summary>Parses <paramref name="schema"/> with <paramref name="registry"/>'s formats.</summary>
    /// <exception cref="InvalidSchemaException">The schema or a reference no longer parses.</exception>
    /// <exception cref="RegistryException">A referenced version was deleted.</exception>
    public static ParsedSchema Parse(SchemaRegistry registry, RegisteredSchema schema)
    {
        if (schema.References.Any(r => r.Version == -1))
        {
            return registry.Formats.Parse(schema.Type, schema.Schema, Resolve(registry, schema.References));
        }

        var cache = Caches.GetOrCreateValue(registry);
        if (cache.TryGetValue(schema.Id, out var parsed))
        {
            return parsed;
        }

        parsed = registry.Formats.Parse(schema.Type, schema.Schema, Resolve(registry, schema.References));
        if (cache.Count >= CacheSize)
        {
            // Crude but bounded: a page needs at most one subject's versions, far fewer than the cache holds.
            cache.Clear();
        }

        cache[schema.Id] = parsed;
        return parsed;
    }

    /// <summary>Every schema the references need, transitively, by reference name (as <c>SchemaRegistry</c> does internally).</summary>
    private static Dictionary<string, string> Resolve(SchemaRegistry registry, IReadOnlyList<SchemaReference> references)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<SchemaReference>(references);
        var seen = new HashSet<(string, int)>();
        while (pending.Count > 0)
        {
            var reference = pending.Pop();
            if (!seen.Add((reference.Subject, reference.Version)))
            {
                continue;
            }

            // A numbered reference may point at a soft-deleted version (it stays readable); -1 means the latest live one.
            var target = reference.Version == -1
                ? registry.GetVersion(reference.Subject, "latest", includeDeleted: false)
                : registry.GetVersion(reference.Subject, reference.Version.ToString(CultureInfo.InvariantCulture), includeDeleted: true);
            resolved[reference.Name] = target.Schema;
            foreach (var nested in target.References)
            {
                pending.Push(nested);
            }
        }

        return resolved;
    }
}
