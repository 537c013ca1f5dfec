using static Herald.Registry.Formats.Protobuf.ProtobufDifferenceKinds;

namespace Herald.Registry.Formats.Protobuf;

internal sealed partial class ProtobufDiff
{
    /// <summary>A field present in both schemas under the same number (Confluent's <c>FieldSchemaDiff</c>).</summary>
    private void CompareField(string path, FieldShape original, FieldShape update)
    {
        var number = update.Field.Number;
        if (original.Field.Name != update.Field.Name)
        {
            Add(path, FieldNameChanged,
                $"field {number} was renamed from '{original.Field.Name}' to '{update.Field.Name}'; the binary encoding only uses the number");
        }

        var subject = $"field {number} '{update.Field.Name}'";
        CompareTypes(path, subject, original.Label, update.Label,
            ProtobufFieldType.Of(original.Field, _original), ProtobufFieldType.Of(update.Field, _update));
    }

    private void CompareTypes(string path, string subject, FieldLabel? originalLabel, FieldLabel? updateLabel, ProtobufFieldType original, ProtobufFieldType update)
    {
        if (original.Kind != update.Kind)
        {
            Add(path, FieldKindChanged,
                $"{subject} changed from {original} to {update}: a {Describe(original.Kind)} cannot be read as a {Describe(update.Kind)}");
            return;
        }

        switch (original, update)
        {
            case (MapType before, MapType after):
                CompareTypes(path, subject + " (map key)", null, null, before.Key, after.Key);
                CompareTypes(path, subject + " (map value)", null, null, before.Value, after.Value);
                break;
            case (MessageType before, MessageType after):
                CompareMessageTypes(path, subject, before, after);
                break;
            default:
                CompareScalars(path, subject, originalLabel, updateLabel, original, update);
                break;
        }
    }

    private void CompareScalars(string path, string subject, FieldLabel? originalLabel, FieldLabel? updateLabel, ProtobufFieldType original, ProtobufFieldType update)
    {
        var before = GroupOf(original);
        var after = GroupOf(update);
        if (before != after)
        {
            Add(path, FieldScalarKindChanged, $"{subject} changed from {original} to {update}: these types are not wire-compatible");
        }
        else if (originalLabel is not null && updateLabel is not null && originalLabel != updateLabel)
        {
            var change = $"{subject} changed from {Describe(originalLabel.Value)} to {Describe(updateLabel.Value)}";
            if (before == ScalarGroup.StringOrBytes)
            {
                Add(path, FieldStringOrBytesLabelChanged, $"{change}; a length-delimited value reads the same either way");
            }
            else
            {
                Add(path, FieldNumericLabelChanged, $"{change}: repeated numbers are packed, so the encodings differ");
            }
        }
    }

    /// <summary>Message types are compared by name inside their package; one that comes from a different reference is compared field by field.</summary>
    private void CompareMessageTypes(string path, string subject, MessageType original, MessageType update)
    {
        if (original.Entry?.Message is null || update.Entry?.Message is null)
        {
            if (original.FullName != update.FullName)
            {
                Add(path, FieldNamedTypeChanged, $"{subject} changed from {original} to {update}");
            }

            return;
        }

        if (original.Entry.LocalName != update.Entry.LocalName)
        {
            Add(path, FieldNamedTypeChanged, $"{subject} changed from {original} to {update}: a different message type");
            return;
        }

        // Types declared in the schema itself are compared where they are declared; an unchanged reference needs no look.
        if (original.Entry.Source == update.Entry.Source)
        {
            return;
        }

        // A referenced pair is compared once per diff: many fields of one imported type, or a chain of imports that
        // reference each other several times, would otherwise repeat the same work exponentially.
        var pair = (original.FullName, update.FullName);
        if (!_referencedVerdicts.TryGetValue(pair, out var compatible))
        {
            var outer = _differences;
            _differences = [];
            CompareMessage(original.FullName, update.FullName, original.Entry.Message, update.Entry.Message);
            var inner = _differences;
            _differences = outer;
            _differences.AddRange(inner);
            compatible = inner.All(d => d.IsCompatible);
            _referencedVerdicts[pair] = compatible;
        }

        if (!compatible)
        {
            Add(path, FieldNamedTypeChanged, $"{subject} refers to {update}, which changed incompatibly (see the differences above)");
        }
    }

    private static ScalarGroup GroupOf(ProtobufFieldType type) => type switch
    {
        EnumType => ScalarGroup.Varint,
        ScalarType scalar => ProtobufScalars.Group(scalar.Type),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a scalar."),
    };

    private static string Describe(FieldKind kind) => kind switch
    {
        FieldKind.Scalar => "scalar",
        FieldKind.Message => "message",
        _ => "map",
    };

    private static string Describe(FieldLabel label) => label switch
    {
        FieldLabel.Optional => "optional",
        FieldLabel.Required => "required",
        _ => "repeated",
    };
}
