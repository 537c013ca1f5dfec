using System.Globalization;
using Herald.Registry;
using Herald.Registry.Formats;
using Herald.Registry.Storage;

namespace Herald.WebConsole.Schemas;

/// <summary>Parses registered schemas with their references resolved the way the registry resolves them.</summary>
internal static class ReferenceResolver
{
    /// <summary>Parses <paramref name="schema"/> with <paramref name="registry"/>'s formats.</summary>
    /// <exception cref="InvalidSchemaException">The schema or a reference no longer parses.</exception>
    /// <exception cref="RegistryException">A referenced version was deleted.</exception>
    public static ParsedSchema Parse(SchemaRegistry registry, RegisteredSchema schema) =>
        registry.Formats.Parse(schema.Type, schema.Schema, Resolve(registry, schema.References));

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
