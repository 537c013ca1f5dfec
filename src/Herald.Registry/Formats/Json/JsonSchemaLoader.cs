using System.Text.Json;

namespace Herald.Registry.Formats.Json;

/// <summary>
/// Turns schema text into <see cref="SchemaNode"/>s: validates keywords, shares one node per JSON location and
/// resolves every <c>$ref</c> (local pointers and the named references) before anyone diffs.
/// </summary>
internal sealed partial class JsonSchemaLoader
{
    /// <summary>How deeply schemas may nest inside each other.</summary>
    public const int MaxSchemaDepth = 256;

    private const string RootDocument = "";

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // Two JSON levels per schema level (e.g. "properties" then the property), plus slack for values.
        MaxDepth = (MaxSchemaDepth * 2) + 16,
        AllowDuplicateProperties = false,
    };

    private readonly IReadOnlyDictionary<string, string> _references;
    private readonly Dictionary<string, Document> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SchemaNode> _nodes = new(StringComparer.Ordinal);
    private readonly Queue<(ReferenceNode Node, Document Document)> _pendingReferences = new();

    private JsonSchemaLoader(IReadOnlyDictionary<string, string> references)
    {
        _references = references;
    }

    /// <summary>Loads <paramref name="schema"/> and returns its root node and canonical text.</summary>
    public static (SchemaNode Root, string Canonical) Load(string schema, IReadOnlyDictionary<string, string> references)
    {
        var loader = new JsonSchemaLoader(references);
        try
        {
            var root = loader.ParseDocument(RootDocument, schema);
            var node = loader.LoadSchema(root, root.Root, [], 0);
            loader.ResolvePendingReferences();
            loader.RejectPureReferenceCycles();
            return (node, JsonCanonicalizer.Canonicalize(root.Root));
        }
        finally
        {
            // Nodes keep only strings and numbers, so the pooled JSON buffers can go back now.
            foreach (var document in loader._documents.Values)
            {
                document.Json.Dispose();
            }
        }
    }

    private Document ParseDocument(string name, string text)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException e)
        {
            var where = name == RootDocument ? "the schema" : $"referenced schema '{name}'";
            throw new InvalidSchemaException(
                $"{Capitalize(where)} is not valid JSON (line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}): {StripLocation(e.Message)}",
                e);
        }

        var rootElement = json.RootElement;
        if (rootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            var message = $"A JSON Schema must be an object or a boolean, but {(name == RootDocument ? "the schema" : $"referenced schema '{name}'")} is {Describe(rootElement)}.";
            json.Dispose();
            throw new InvalidSchemaException(message);
        }

        string? baseId = null;
        if (rootElement.ValueKind == JsonValueKind.Object
            && (rootElement.TryGetProperty("$id", out var id) || rootElement.TryGetProperty("id", out id))
            && id.ValueKind == JsonValueKind.String)
        {
            baseId = id.GetString();
        }

        var document = new Document(name, json, baseId);
        _documents[name] = document;
        return document;
    }

    private void ResolvePendingReferences()
    {
        while (_pendingReferences.TryDequeue(out var pending))
        {
            var (reference, document) = pending;
            var (target, tokens) = Locate(reference, document);
            var element = Navigate(target.Root, tokens)
                ?? throw Unresolved(reference, $"'{reference.Reference}' points at nothing");
            reference.Target = LoadSchema(target, element, tokens, 0);
        }
    }

    private (Document Document, List<string> Tokens) Locate(ReferenceNode reference, Document document)
    {
        var value = reference.Reference;
        var hash = value.IndexOf('#', StringComparison.Ordinal);
        var uri = hash < 0 ? value : value[..hash];
        var fragment = hash < 0 ? string.Empty : value[(hash + 1)..];

        var target = uri.Length == 0 ? document : FindDocument(uri, document)
            ?? throw Unresolved(reference, $"no schema reference named '{uri}' was given");

        if (fragment.Length == 0)
        {
            return (target, []);
        }

        if (fragment[0] != '/')
        {
            throw Unresolved(reference, "only JSON pointer fragments (#/...) are supported, not anchors");
        }

        var tokens = fragment[1..].Split('/')
            .Select(t => Uri.UnescapeDataString(t).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
            .ToList();
        return (target, tokens);
    }

    private Document? FindDocument(string uri, Document from)
    {
        if (_documents.TryGetValue(uri, out var loaded) && uri != RootDocument)
        {
            return loaded;
        }

        if (_references.TryGetValue(uri, out var text))
        {
            return ParseDocument(uri, text);
        }

        // "$ref": "address.json" inside a schema whose $id is https://example.com/customer.json.
        if (from.BaseId is not null
            && Uri.TryCreate(from.BaseId, UriKind.Absolute, out var baseUri)
            && Uri.TryCreate(baseUri, uri, out var absolute))
        {
            var name = absolute.ToString();
            if (_documents.TryGetValue(name, out loaded))
            {
                return loaded;
            }

            if (_references.TryGetValue(name, out text))
            {
                return ParseDocument(name, text);
            }

            if (string.Equals(name, from.BaseId, StringComparison.Ordinal))
            {
                return from;
            }
        }

        return string.Equals(uri, from.BaseId, StringComparison.Ordinal) ? from : null;
    }

    private static JsonElement? Navigate(JsonElement element, List<string> tokens)
    {
        foreach (var token in tokens)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(token, out var child))
            {
                element = child;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(token, out var index)
                && index >= 0 && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                return null;
            }
        }

        return element;
    }

    private void RejectPureReferenceCycles()
    {
        foreach (var node in _nodes.Values.OfType<ReferenceNode>())
        {
            var seen = new HashSet<SchemaNode>(ReferenceEqualityComparer.Instance);
            SchemaNode current = node;
            while (current is ReferenceNode reference)
            {
                if (!seen.Add(reference))
                {
                    throw new InvalidSchemaException(
                        $"$ref '{node.Reference}' at {node.Location} is a cycle of references that never reaches a schema.");
                }

                current = reference.Target!;
            }
        }
    }

    private static InvalidSchemaException Unresolved(ReferenceNode reference, string why) =>
        new($"Unresolved $ref '{reference.Reference}' at {reference.Location}: {why}.");

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string StripLocation(string message)
    {
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var index = message.IndexOf(marker, StringComparison.Ordinal);
            if (index >= 0)
            {
                message = message[..index];
            }
        }

        return message.TrimEnd(' ', '|');
    }

    private sealed record Document(string Name, JsonDocument Json, string? BaseId)
    {
        public JsonElement Root => Json.RootElement;
    }
}
