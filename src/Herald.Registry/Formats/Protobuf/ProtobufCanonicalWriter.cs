using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>Renders a processed file descriptor as normalized <c>.proto</c> text: the schema's identity.</summary>
internal sealed partial class ProtobufCanonicalWriter
{
    private readonly StringBuilder _text = new();
    private readonly string _syntax;
    private int _depth;

    private ProtobufCanonicalWriter(FileDescriptorProto file)
    {
        _syntax = string.IsNullOrEmpty(file.Syntax) ? "proto2" : file.Syntax;
    }

    public static string Write(FileDescriptorProto file)
    {
        var writer = new ProtobufCanonicalWriter(file);
        writer.WriteFile(file);
        return writer._text.ToString();
    }

    private void WriteFile(FileDescriptorProto file)
    {
        Line($"syntax = {Quote(_syntax)};");
        if (file.ShouldSerializeEdition())
        {
            Line($"edition = {(int)file.Edition};");
        }

        if (!string.IsNullOrEmpty(file.Package))
        {
            Line($"package {file.Package};");
        }

        // Import order carries no meaning, so it does not take part in identity.
        var imports = file.Dependencies.Select((path, i) => (path, i))
            .OrderBy(d => d.path, StringComparer.Ordinal);
        foreach (var (path, i) in imports)
        {
            var modifier = file.PublicDependencies?.Contains(i) == true ? "public "
                : file.WeakDependencies?.Contains(i) == true ? "weak "
                : string.Empty;
            Line($"import {modifier}{Quote(path)};");
        }

        WriteOptionStatements(file.Options);
        foreach (var message in file.MessageTypes)
        {
            WriteMessage(message);
        }

        foreach (var @enum in file.EnumTypes)
        {
            WriteEnum(@enum);
        }

        foreach (var service in file.Services)
        {
            WriteService(service);
        }

        WriteExtensions(file.Extensions);
    }

    private void WriteMessage(DescriptorProto message)
    {
        Line($"message {message.Name} {{");
        _depth++;
        WriteOptionStatements(message.Options);
        var writtenOneofs = new HashSet<int>();
        foreach (var field in message.Fields)
        {
            if (IsInRealOneof(message, field))
            {
                // The whole oneof is written where its first member appears.
                if (writtenOneofs.Add(field.OneofIndex))
                {
                    WriteOneof(message, field.OneofIndex);
                }

                continue;
            }

            WriteField(message, field);
        }

        foreach (var nested in message.NestedTypes.Where(n => n.Options?.MapEntry != true))
        {
            WriteMessage(nested);
        }

        foreach (var @enum in message.EnumTypes)
        {
            WriteEnum(@enum);
        }

        WriteExtensions(message.Extensions);
        foreach (var range in message.ExtensionRanges)
        {
            Line($"extensions {Range(range.Start, range.End - 1)};");
        }

        WriteReserved(message.ReservedRanges.Select(r => (r.Start, r.End - 1)), message.ReservedNames);
        _depth--;
        Line("}");
    }

    private void WriteOneof(DescriptorProto message, int index)
    {
        var oneof = message.OneofDecls[index];
        Line($"oneof {oneof.Name} {{");
        _depth++;
        WriteOptionStatements(oneof.Options);
        foreach (var member in message.Fields.Where(f => f.ShouldSerializeOneofIndex() && f.OneofIndex == index))
        {
            WriteField(message, member);
        }

        _depth--;
        Line("}");
    }

    private void WriteField(DescriptorProto? message, FieldDescriptorProto field)
    {
        var mapEntry = message?.NestedTypes.FirstOrDefault(n => n.Options?.MapEntry == true && TypeNameEndsWith(field.TypeName, n.Name));
        string label;
        string type;
        if (mapEntry is not null && field.label == FieldDescriptorProto.Label.LabelRepeated)
        {
            label = string.Empty;
            var key = mapEntry.Fields.Single(f => f.Number == 1);
            var value = mapEntry.Fields.Single(f => f.Number == 2);
            type = $"map<{TypeName(key)}, {TypeName(value)}>";
        }
        else
        {
            label = field.label switch
            {
                FieldDescriptorProto.Label.LabelRequired => "required ",
                FieldDescriptorProto.Label.LabelRepeated => "repeated ",
                _ when message is not null && IsInRealOneof(message, field) => string.Empty,
                _ when field.Proto3Optional || _syntax == "proto2" => "optional ",
                _ => string.Empty,
            };
            type = TypeName(field);
        }

        var options = new List<string>();
        if (field.ShouldSerializeDefaultValue())
        {
            options.Add($"default = {Quote(field.DefaultValue)}");
        }

        if (field.ShouldSerializeJsonName() && field.JsonName != DefaultJsonName(field.Name))
        {
            options.Add($"json_name = {Quote(field.JsonName)}");
        }

        options.AddRange(OptionAssignments(field.Options));
        var suffix = options.Count == 0 ? string.Empty : $" [{string.Join(", ", options)}]";
        Line($"{label}{type} {field.Name} = {field.Number}{suffix};");
    }

    private void WriteEnum(EnumDescriptorProto @enum)
    {
        Line($"enum {@enum.Name} {{");
        _depth++;
        WriteOptionStatements(@enum.Options);
        foreach (var value in @enum.Values)
        {
            var options = OptionAssignments(value.Options).ToList();
            var suffix = options.Count == 0 ? string.Empty : $" [{string.Join(", ", options)}]";
            Line($"{value.Name} = {value.Number.ToString(CultureInfo.InvariantCulture)}{suffix};");
        }

        WriteReserved(@enum.ReservedRanges.Select(r => (r.Start, r.End)), @enum.ReservedNames);
        _depth--;
        Line("}");
    }

    private void WriteService(ServiceDescriptorProto service)
    {
        Line($"service {service.Name} {{");
        _depth++;
        WriteOptionStatements(service.Options);
        foreach (var method in service.Methods)
        {
            var input = (method.ClientStreaming ? "stream " : string.Empty) + method.InputType;
            var output = (method.ServerStreaming ? "stream " : string.Empty) + method.OutputType;
            var options = OptionAssignments(method.Options).ToList();
            var suffix = options.Count == 0 ? ";" : $" {{ {string.Join(" ", options.Select(o => $"option {o};"))} }}";
            Line($"rpc {method.Name} ({input}) returns ({output}){suffix}");
        }

        _depth--;
        Line("}");
    }

    private void WriteExtensions(List<FieldDescriptorProto> extensions)
    {
        foreach (var group in extensions.GroupBy(e => e.Extendee, StringComparer.Ordinal))
        {
            Line($"extend {group.Key} {{");
            _depth++;
            foreach (var field in group)
            {
                WriteField(null, field);
            }

            _depth--;
            Line("}");
        }
    }

    private void WriteReserved(IEnumerable<(int Start, int End)> ranges, List<string> names)
    {
        var numbers = ranges.Select(r => Range(r.Start, r.End)).ToList();
        if (numbers.Count > 0)
        {
            Line($"reserved {string.Join(", ", numbers)};");
        }

        if (names.Count > 0)
        {
            Line($"reserved {string.Join(", ", names.Select(Quote))};");
        }
    }

    private void WriteOptionStatements(object? options)
    {
        foreach (var assignment in OptionAssignments(options))
        {
            Line($"option {assignment};");
        }
    }

    private void Line(string text) => _text.Append(' ', _depth * 2).Append(text).Append('\n');

    private static bool IsInRealOneof(DescriptorProto message, FieldDescriptorProto field) =>
        field.ShouldSerializeOneofIndex() && !field.Proto3Optional && field.OneofIndex < message.OneofDecls.Count;

    private static bool TypeNameEndsWith(string? typeName, string name) =>
        typeName is not null && typeName.EndsWith("." + name, StringComparison.Ordinal);

    private static string TypeName(FieldDescriptorProto field) => field.type switch
    {
        FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeEnum or FieldDescriptorProto.Type.TypeGroup
            => field.TypeName.StartsWith('.') ? field.TypeName : "." + field.TypeName,
        _ => ProtobufScalars.Name(field.type),
    };

    private static string Range(int start, int end) => start == end
        ? start.ToString(CultureInfo.InvariantCulture)
        : end >= 536_870_911 ? $"{start.ToString(CultureInfo.InvariantCulture)} to max"
        : $"{start.ToString(CultureInfo.InvariantCulture)} to {end.ToString(CultureInfo.InvariantCulture)}";

    private static string DefaultJsonName(string name)
    {
        var text = new StringBuilder(name.Length);
        var upper = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            text.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return text.ToString();
    }
}
