using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>Every message and enum visible to a schema (its own and its imports'), by full name without the leading dot.</summary>
internal sealed class ProtobufTypeTable
{
    private readonly Dictionary<string, ProtobufTypeEntry> _types = new(StringComparer.Ordinal);

    public ProtobufTypeTable(FileDescriptorSet set, FileDescriptorProto root, IReadOnlyDictionary<string, string> references)
    {
        var files = set.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var identities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in set.Files)
        {
            // Which copy of a type it is: Confluent compares the referenced subject and version, and a version pins its
            // own references; the import path and text of the file and of everything it imports is that identity
            // without a registry at hand. The schema's own types are all "local".
            var source = ReferenceEquals(file, root) ? string.Empty : Identity(file, files, identities, references);
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

    private static string Identity(
        FileDescriptorProto file,
        Dictionary<string, FileDescriptorProto> files,
        Dictionary<string, string> identities,
        IReadOnlyDictionary<string, string> references)
    {
        if (identities.TryGetValue(file.Name, out var known))
        {
            return known;
        }

        // Imports cannot be cyclic once processed, but a placeholder keeps a malformed set from recursing forever.
        identities[file.Name] = file.Name;
        var text = new StringBuilder(file.Name).Append('\n')
            .Append(references.TryGetValue(file.Name, out var reference) ? reference : "<built-in>");
        foreach (var dependency in file.Dependencies)
        {
            text.Append('\n').Append(files.TryGetValue(dependency, out var imported) ? Identity(imported, files, identities, references) : dependency);
        }

        var identity = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        identities[file.Name] = identity;
        return identity;
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
