using Google.Protobuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>Every message and enum visible to a schema (its own and its imports'), by full name without the leading dot.</summary>
internal sealed class ProtobufTypeTable
{
    private readonly Dictionary<string, ProtobufTypeEntry> _types = new(StringComparer.Ordinal);

    public ProtobufTypeTable(FileDescriptorSet set, FileDescriptorProto root, IReadOnlyDictionary<string, string> references)
    {
        foreach (var file in set.Files)
        {
            // Which copy of a type it is: Confluent compares the referenced subject and version; the import path plus its
            // text is the same identity without a registry at hand. The schema's own types are all "local".
            var source = ReferenceEquals(file, root)
                ? string.Empty
                : file.Name + "\n" + (references.TryGetValue(file.Name, out var text) ? text : "<built-in>");
            var package = file.Package ?? string.Empty;
            var syntax = string.IsNullOrEmpty(file.Syntax) ? "proto2" : file.Syntax;
            var prefix = package.Length == 0 ? string.Empty : package + ".";
            foreach (var message in file.MessageTypes)
            {
                AddMessage(message, prefix + message.Name, package, syntax, source);
            }

            foreach (var @enum in file.EnumTypes)
            {
                _types[prefix + @enum.Name] = new ProtobufTypeEntry(prefix + @enum.Name, package, syntax, source, null, @enum);
            }
        }
    }

    public ProtobufTypeEntry? Find(string? typeName)
    {
        if (string.IsNullOrEmpty(typeName))
        {
            return null;
        }

        return _types.GetValueOrDefault(typeName.StartsWith('.') ? typeName[1..] : typeName);
    }

    private void AddMessage(DescriptorProto message, string fullName, string package, string syntax, string source)
    {
        _types[fullName] = new ProtobufTypeEntry(fullName, package, syntax, source, message, null);
        foreach (var nested in message.NestedTypes)
        {
            AddMessage(nested, fullName + "." + nested.Name, package, syntax, source);
        }

        foreach (var @enum in message.EnumTypes)
        {
            var name = fullName + "." + @enum.Name;
            _types[name] = new ProtobufTypeEntry(name, package, syntax, source, null, @enum);
        }
    }
}

/// <summary>A message or an enum, where it was declared and in which file syntax.</summary>
internal sealed record ProtobufTypeEntry(string FullName, string Package, string Syntax, string Source, DescriptorProto? Message, EnumDescriptorProto? Enum)
{
    public bool IsMapEntry => Message?.Options?.MapEntry == true;

    /// <summary>The name inside its package, e.g. <c>User.Address</c> for <c>acme.User.Address</c>.</summary>
    public string LocalName => Package.Length > 0 && FullName.StartsWith(Package + ".", StringComparison.Ordinal)
        ? FullName[(Package.Length + 1)..]
        : FullName;
}
