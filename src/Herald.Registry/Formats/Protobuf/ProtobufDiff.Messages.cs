using Google.Protobuf.Reflection;
using static Herald.Registry.Formats.Protobuf.ProtobufDifferenceKinds;

namespace Herald.Registry.Formats.Protobuf;

internal sealed partial class ProtobufDiff
{
    /// <summary>Fields by number wherever they sit (top level or in a oneof), then oneof membership (Confluent's <c>MessageSchemaDiff</c>).</summary>
    private void CompareFields(string originalName, string updateName, DescriptorProto original, DescriptorProto update)
    {
        var before = MessageFields.Of(original, _original.Find(originalName)?.Syntax);
        var after = MessageFields.Of(update, _update.Find(updateName)?.Syntax);

        // A oneof gone by name none of whose members survive anywhere was deleted as a whole, which Confluent accepts.
        var deletedOneofs = before.Oneofs.Keys
            .Where(name => !after.Oneofs.ContainsKey(name) && before.Oneofs[name].All(number => !after.ByNumber.ContainsKey(number)))
            .ToHashSet(StringComparer.Ordinal);

        // Fields that were independent before and now share a oneof: setting one clears the others.
        foreach (var (oneof, members) in after.Oneofs)
        {
            var origins = new HashSet<string>(StringComparer.Ordinal);
            var movedFromTopLevel = 0;
            foreach (var number in members)
            {
                if (before.ByNumber.TryGetValue(number, out var previous))
                {
                    origins.Add(previous.Oneof is null ? "field:" + number : "oneof:" + previous.Oneof);
                    movedFromTopLevel += previous.Oneof is null ? 1 : 0;
                }
            }

            if (origins.Count > 1)
            {
                var path = $"{updateName}.{oneof} (oneof)";
                if (movedFromTopLevel > 1)
                {
                    Add(path, MultipleFieldsMovedToOneof,
                        $"oneof '{oneof}' now holds {movedFromTopLevel} fields that used to be independent: data that set several of them loses all but one");
                }
                else
                {
                    Add(path, FieldMovedToExistingOneof,
                        $"oneof '{oneof}' now joins fields that were not mutually exclusive before: data that set more than one of them loses all but one");
                }
            }
        }

        foreach (var oneof in before.Oneofs.Keys.Union(after.Oneofs.Keys).Order(StringComparer.Ordinal))
        {
            if (!after.Oneofs.ContainsKey(oneof))
            {
                Add($"{originalName}.{oneof} (oneof)", OneofRemoved, $"oneof '{oneof}' was removed");
            }
            else if (!before.Oneofs.ContainsKey(oneof))
            {
                Add($"{updateName}.{oneof} (oneof)", OneofAdded, $"oneof '{oneof}' was added");
            }
        }

        foreach (var number in before.ByNumber.Keys.Union(after.ByNumber.Keys).Order())
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var inOriginal = before.ByNumber.TryGetValue(number, out var previous);
            var inUpdate = after.ByNumber.TryGetValue(number, out var next);
            if (!inUpdate)
            {
                var path = FieldPath(originalName, previous!.Field);
                if (previous.Oneof is not null)
                {
                    if (!deletedOneofs.Contains(previous.Oneof))
                    {
                        Add(path, OneofFieldRemoved,
                            $"field {number} '{previous.Field.Name}' was removed from oneof '{previous.Oneof}': data that chose it would read as if the oneof were unset");
                    }
                }
                else if (previous.Label == FieldLabel.Required)
                {
                    Add(path, RequiredFieldRemoved, $"required field {number} '{previous.Field.Name}' was removed: readers built from the original schema still require it");
                }
                else
                {
                    Add(path, FieldRemoved, $"field {number} '{previous.Field.Name}' was removed; readers skip it in old data (reserve the number so it is never reused)");
                }
            }
            else if (!inOriginal)
            {
                var path = FieldPath(updateName, next!.Field);
                if (next.Oneof is not null)
                {
                    Add(path, OneofFieldAdded, $"field {number} '{next.Field.Name}' was added to oneof '{next.Oneof}'");
                }
                else if (next.Label == FieldLabel.Required)
                {
                    Add(path, RequiredFieldAdded, $"required field {number} '{next.Field.Name}' was added: data written with the original schema does not have it");
                }
                else
                {
                    Add(path, FieldAdded, $"field {number} '{next.Field.Name}' was added; old data simply lacks it");
                }
            }
            else
            {
                var path = FieldPath(updateName, next!.Field);
                if (previous!.Oneof is not null && next.Oneof is null)
                {
                    Add(path, OneofFieldMovedToTopLevel, $"field {number} '{next.Field.Name}' moved out of oneof '{previous.Oneof}' to the top level");
                }

                CompareField(path, previous, next);
            }
        }
    }

    private static string FieldPath(string messageName, FieldDescriptorProto field) => $"{messageName}.{field.Name} (field {field.Number})";

    /// <summary>One field with its oneof (real oneofs only, not proto3 <c>optional</c>'s synthetic ones) and its label.</summary>
    private sealed record FieldShape(FieldDescriptorProto Field, string? Oneof, FieldLabel? Label);

    private sealed record MessageFields(Dictionary<int, FieldShape> ByNumber, Dictionary<string, List<int>> Oneofs)
    {
        public static MessageFields Of(DescriptorProto message, string? syntax)
        {
            var byNumber = new Dictionary<int, FieldShape>();
            var oneofs = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (var field in message.Fields)
            {
                var oneof = field.ShouldSerializeOneofIndex() && !field.Proto3Optional && field.OneofIndex < message.OneofDecls.Count
                    ? message.OneofDecls[field.OneofIndex].Name
                    : null;
                if (oneof is not null)
                {
                    if (!oneofs.TryGetValue(oneof, out var members))
                    {
                        oneofs[oneof] = members = [];
                    }

                    members.Add(field.Number);
                }

                byNumber[field.Number] = new FieldShape(field, oneof, LabelOf(message, field, oneof, syntax));
            }

            return new MessageFields(byNumber, oneofs);
        }

        private static FieldLabel? LabelOf(DescriptorProto message, FieldDescriptorProto field, string? oneof, string? syntax)
        {
            var isMap = field.label == FieldDescriptorProto.Label.LabelRepeated
                && message.NestedTypes.Any(n => n.Options?.MapEntry == true && field.TypeName?.EndsWith("." + n.Name, StringComparison.Ordinal) == true);
            if (oneof is not null || isMap)
            {
                return null;
            }

            return field.label switch
            {
                FieldDescriptorProto.Label.LabelRequired => FieldLabel.Required,
                FieldDescriptorProto.Label.LabelRepeated => FieldLabel.Repeated,
                _ when field.Proto3Optional || syntax is null or "proto2" => FieldLabel.Optional,
                _ => null,
            };
        }
    }
}
