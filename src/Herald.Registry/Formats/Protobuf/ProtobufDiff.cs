using System.Runtime.CompilerServices;
using Google.Protobuf.Reflection;
using static Herald.Registry.Formats.Protobuf.ProtobufDifferenceKinds;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>
/// Confluent's Protobuf <c>SchemaDiff.compare(original, update)</c>: types matched by name within their scope, fields by
/// number, across nested messages and, where a field's message type comes from a different reference, into that type.
/// </summary>
internal sealed partial class ProtobufDiff
{
    private readonly ProtobufTypeTable _original;
    private readonly ProtobufTypeTable _update;
    private readonly CancellationToken _cancellationToken;

    // Pairs of messages being compared right now: a recursive message type is compared once, not forever.
    private readonly HashSet<(string Original, string Update)> _comparing = [];
    private readonly Dictionary<(string Original, string Update), bool> _referencedVerdicts = [];
    private List<SchemaDifference> _differences = [];

    private ProtobufDiff(ProtobufTypeTable original, ProtobufTypeTable update, CancellationToken cancellationToken)
    {
        _original = original;
        _update = update;
        _cancellationToken = cancellationToken;
    }

    public static IReadOnlyList<SchemaDifference> Compare(ProtobufParsedSchema original, ProtobufParsedSchema update, CancellationToken cancellationToken)
    {
        var diff = new ProtobufDiff(original.Types, update.Types, cancellationToken);
        if (original.Package != update.Package)
        {
            diff.Add("package", PackageChanged,
                $"the package changed from {Display(original.Package)} to {Display(update.Package)}: every type's full name changes, so readers no longer recognize the messages");
        }

        diff.CompareScopes(Prefix(original.Package), Prefix(update.Package), original.File.MessageTypes, original.File.EnumTypes, update.File.MessageTypes, update.File.EnumTypes);
        return diff._differences;
    }

    private void CompareScopes(
        string originalPrefix,
        string updatePrefix,
        List<DescriptorProto> originalMessages,
        List<EnumDescriptorProto> originalEnums,
        List<DescriptorProto> updateMessages,
        List<EnumDescriptorProto> updateEnums)
    {
        var before = IndexMessages(originalMessages);
        var after = IndexMessages(updateMessages);
        foreach (var name in before.Keys.Concat(after.Keys).Distinct(StringComparer.Ordinal))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var inOriginal = before.TryGetValue(name, out var original);
            var inUpdate = after.TryGetValue(name, out var update);
            if (!inUpdate)
            {
                Add(originalPrefix + name, MessageRemoved,
                    $"message {originalPrefix + name} was removed: data written with it can no longer be read as that type");
            }
            else if (!inOriginal)
            {
                Add(updatePrefix + name, MessageAdded, $"message {updatePrefix + name} was added");
            }
            else
            {
                CompareMessage(originalPrefix + name, updatePrefix + name, original.Message, update.Message);
                if (original.Index != update.Index)
                {
                    // Message indexes in serialized data refer to the schema id they were written with.
                    Add(updatePrefix + name, MessageMoved,
                        $"message {updatePrefix + name} moved from position {original.Index} to {update.Index}; serialized message indexes refer to the writer's schema, so this is safe");
                }
            }
        }

        var enumsBefore = originalEnums.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var enumsAfter = updateEnums.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var name in enumsBefore.Keys.Concat(enumsAfter.Keys).Distinct(StringComparer.Ordinal))
        {
            var inOriginal = enumsBefore.TryGetValue(name, out var original);
            var inUpdate = enumsAfter.TryGetValue(name, out var update);
            if (!inUpdate)
            {
                Add(originalPrefix + name, EnumRemoved, $"enum {originalPrefix + name} was removed");
            }
            else if (!inOriginal)
            {
                Add(updatePrefix + name, EnumAdded, $"enum {updatePrefix + name} was added");
            }
            else
            {
                CompareEnum(updatePrefix + name, original!, update!);
            }
        }
    }

    private void CompareMessage(string originalName, string updateName, DescriptorProto original, DescriptorProto update)
    {
        if (!_comparing.Add((originalName, updateName)))
        {
            return;
        }

        try
        {
            _cancellationToken.ThrowIfCancellationRequested();
            RuntimeHelpers.EnsureSufficientExecutionStack();
            CompareFields(originalName, updateName, original, update);
            CompareScopes(originalName + ".", updateName + ".", original.NestedTypes, original.EnumTypes, update.NestedTypes, update.EnumTypes);
        }
        finally
        {
            _comparing.Remove((originalName, updateName));
        }
    }

    private void CompareEnum(string enumName, EnumDescriptorProto original, EnumDescriptorProto update)
    {
        // With allow_alias several names share a number; like Confluent, the last one declared stands for it.
        var before = new SortedDictionary<int, string>();
        foreach (var value in original.Values)
        {
            before[value.Number] = value.Name;
        }

        var after = new SortedDictionary<int, string>();
        foreach (var value in update.Values)
        {
            after[value.Number] = value.Name;
        }

        foreach (var number in before.Keys.Union(after.Keys).Order())
        {
            var inOriginal = before.TryGetValue(number, out var originalName);
            var inUpdate = after.TryGetValue(number, out var updateName);
            if (!inUpdate)
            {
                Add($"{enumName}.{originalName} (value {number})", EnumConstRemoved,
                    $"enum value {number} '{originalName}' was removed; readers keep the number as an unknown value");
            }
            else if (!inOriginal)
            {
                Add($"{enumName}.{updateName} (value {number})", EnumConstAdded, $"enum value {number} '{updateName}' was added");
            }
            else if (originalName != updateName)
            {
                Add($"{enumName}.{updateName} (value {number})", EnumConstChanged,
                    $"enum value {number} was renamed from '{originalName}' to '{updateName}'; the binary encoding only uses the number");
            }
        }
    }

    private static Dictionary<string, (DescriptorProto Message, int Index)> IndexMessages(List<DescriptorProto> messages)
    {
        var indexed = new Dictionary<string, (DescriptorProto, int)>(StringComparer.Ordinal);
        var index = 0;
        foreach (var message in messages)
        {
            // Synthesized map entries are not messages in the .proto text Confluent diffs.
            if (message.Options?.MapEntry != true)
            {
                indexed[message.Name] = (message, index++);
            }
        }

        return indexed;
    }

    private void Add(string path, string kind, string message) =>
        _differences.Add(new SchemaDifference(path, kind, message, IsCompatible(kind)));

    private static string Prefix(string? package) => package is null ? string.Empty : package + ".";

    private static string Display(string? package) => package is null ? "(none)" : $"'{package}'";
}
