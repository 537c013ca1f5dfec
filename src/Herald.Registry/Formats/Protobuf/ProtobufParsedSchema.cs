using Google.Protobuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>A parsed <c>.proto</c> schema: its canonical text and what Confluent's Protobuf serializers need from it.</summary>
/// <remarks>
/// Confluent's Protobuf wire format writes, after the schema id, the path of message indexes that leads to the message
/// type inside the file: the position among the file's top-level messages, then among that message's nested messages,
/// and so on (enums do not count). <see cref="GetMessageIndexes"/> and <see cref="TryGetMessageName"/> convert both ways.
/// Synthesized map entry messages are not counted, as in Confluent's <c>ProtobufSchema.toMessageIndexes</c> for a schema
/// registered as text.
/// </remarks>
public sealed class ProtobufParsedSchema : ParsedSchema
{
    private readonly Dictionary<string, int[]> _indexesByName = new(StringComparer.Ordinal);
    private readonly List<string> _messageNames = [];
    private readonly Lazy<string> _canonical;

    internal ProtobufParsedSchema(string original, FileDescriptorProto file, ProtobufTypeTable types)
        : base(original)
    {
        File = file;
        Types = types;
        Package = string.IsNullOrEmpty(file.Package) ? null : file.Package;
        IndexMessages(file.MessageTypes, Package is null ? string.Empty : Package + ".", []);
        _canonical = new Lazy<string>(() => ProtobufCanonicalWriter.Write(file));
    }

    /// <inheritdoc />
    public override SchemaType Type => SchemaType.Protobuf;

    /// <inheritdoc />
    /// <remarks>
    /// A rendering of the parsed descriptor: syntax, package, imports, options, then messages, enums, services and
    /// extensions in declaration order, type names fully qualified. Comments, whitespace and how a type name was written
    /// (<c>Status</c> or <c>.acme.User.Status</c>) never change it.
    /// </remarks>
    public override string Canonical => _canonical.Value;

    /// <summary>The <c>package</c>, or <see langword="null"/> when the file declares none.</summary>
    public string? Package { get; }

    /// <summary>Full names (<c>acme.User</c>, <c>acme.User.Address</c>) of every message the file declares, depth first in declaration order.</summary>
    public IReadOnlyList<string> MessageNames => _messageNames;

    internal FileDescriptorProto File { get; }

    internal ProtobufTypeTable Types { get; }

    /// <summary>The message index path of <paramref name="messageName"/>, e.g. <c>[1, 0]</c> for the first message nested in the second top-level one.</summary>
    /// <param name="messageName">A full name, with or without a leading dot.</param>
    /// <exception cref="KeyNotFoundException">The file declares no such message.</exception>
    public IReadOnlyList<int> GetMessageIndexes(string messageName)
    {
        ArgumentNullException.ThrowIfNull(messageName);
        return TryGetMessageIndexes(messageName, out var indexes)
            ? indexes
            : throw new KeyNotFoundException($"The schema declares no message '{messageName}'.");
    }

    /// <summary>The message index path of <paramref name="messageName"/>, if the file declares that message.</summary>
    public bool TryGetMessageIndexes(string messageName, out IReadOnlyList<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(messageName);
        var found = _indexesByName.TryGetValue(messageName.StartsWith('.') ? messageName[1..] : messageName, out var path);
        indexes = path ?? [];
        return found;
    }

    /// <summary>The full name of the message at <paramref name="indexes"/>; an empty path means the first top-level message.</summary>
    public bool TryGetMessageName(ReadOnlySpan<int> indexes, out string messageName)
    {
        messageName = string.Empty;
        if (indexes.IsEmpty)
        {
            indexes = [0];
        }

        var level = File.MessageTypes.Where(m => !IsMapEntry(m)).ToList();
        var name = Package is null ? string.Empty : Package + ".";
        for (var i = 0; i < indexes.Length; i++)
        {
            var index = indexes[i];
            if (index < 0 || index >= level.Count)
            {
                return false;
            }

            name += level[index].Name;
            if (i < indexes.Length - 1)
            {
                level = level[index].NestedTypes.Where(m => !IsMapEntry(m)).ToList();
                name += ".";
            }
        }

        messageName = name;
        return true;
    }

    private void IndexMessages(List<DescriptorProto> messages, string prefix, int[] parent)
    {
        var index = 0;
        foreach (var message in messages)
        {
            if (IsMapEntry(message))
            {
                continue;
            }

            var fullName = prefix + message.Name;
            int[] path = [.. parent, index++];
            _messageNames.Add(fullName);
            _indexesByName[fullName] = path;
            IndexMessages(message.NestedTypes, fullName + ".", path);
        }
    }

    private static bool IsMapEntry(DescriptorProto message) => message.Options?.MapEntry == true;
}
