using System.Text.Json;

namespace Herald.Protocol.Generator;

/// <summary>A closed range of versions; <see cref="None"/> is empty.</summary>
internal readonly record struct Versions(short Min, short Max)
{
    public static readonly Versions None = new(1, 0);
    public static readonly Versions All = new(0, short.MaxValue);

    public bool IsEmpty => Min > Max;

    public static Versions Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text == "none")
        {
            return None;
        }

        if (text.EndsWith('+'))
        {
            return new Versions(short.Parse(text[..^1]), short.MaxValue);
        }

        var dash = text.IndexOf('-');
        return dash < 0
            ? new Versions(short.Parse(text), short.Parse(text))
            : new Versions(short.Parse(text[..dash]), short.Parse(text[(dash + 1)..]));
    }

    public Versions Intersect(Versions other) => new(Math.Max(Min, other.Min), Math.Min(Max, other.Max));

    public bool Contains(Versions other) => other.IsEmpty || (Min <= other.Min && other.Max <= Max);

    /// <summary>A C# condition on <c>version</c> that holds inside this range, given the message's valid range.</summary>
    public string Condition(Versions valid)
    {
        if (IsEmpty)
        {
            return "false";
        }

        var lower = Min > valid.Min;
        var upper = Max < valid.Max;
        return (lower, upper) switch
        {
            (false, false) => "true",
            (true, false) => $"version >= {Min}",
            (false, true) => $"version <= {Max}",
            _ when Min == Max => $"version == {Min}",
            _ => $"(version >= {Min} && version <= {Max})",
        };
    }
}

internal sealed record FieldSpec(
    string Name,
    string Type,
    Versions Versions,
    Versions NullableVersions,
    Versions TaggedVersions,
    int? Tag,
    Versions? FlexibleOverride,
    string? Default,
    string? About,
    StructSpec? Struct)
{
    public bool IsArray => Type.StartsWith("[]", StringComparison.Ordinal);

    public string ElementType => IsArray ? Type[2..] : Type;

    public static bool IsPrimitive(string type) => type is "bool" or "int8" or "int16" or "uint16" or "int32"
        or "uint32" or "int64" or "float64" or "string" or "bytes" or "uuid" or "records";
}

internal sealed record StructSpec(string Name, IReadOnlyList<FieldSpec> Fields);

internal sealed record MessageSpec(
    string Name,
    string Type,
    int? ApiKey,
    Versions Valid,
    Versions Flexible,
    StructSpec Body)
{
    public static MessageSpec Parse(JsonElement root)
    {
        var name = root.GetProperty("name").GetString()!;
        var known = new Dictionary<string, StructSpec>(StringComparer.Ordinal);
        if (root.TryGetProperty("commonStructs", out var common))
        {
            foreach (var s in common.EnumerateArray())
            {
                var structName = s.GetProperty("name").GetString()!;
                known[structName] = new StructSpec(structName, ParseFields(s.GetProperty("fields"), known));
            }
        }

        var fields = ParseFields(root.GetProperty("fields"), known);
        return new MessageSpec(
            name,
            root.GetProperty("type").GetString()!,
            root.TryGetProperty("apiKey", out var key) ? key.GetInt32() : null,
            Versions.Parse(root.GetProperty("validVersions").GetString()),
            Versions.Parse(root.GetProperty("flexibleVersions").GetString()),
            new StructSpec(name, fields));
    }

    private static List<FieldSpec> ParseFields(JsonElement fields, Dictionary<string, StructSpec> known)
    {
        var result = new List<FieldSpec>();
        foreach (var f in fields.EnumerateArray())
        {
            var type = f.GetProperty("type").GetString()!;
            var element = type.StartsWith("[]", StringComparison.Ordinal) ? type[2..] : type;
            StructSpec? structSpec = null;
            if (!FieldSpec.IsPrimitive(element))
            {
                if (f.TryGetProperty("fields", out var nested))
                {
                    structSpec = new StructSpec(element, ParseFields(nested, known));
                    known[element] = structSpec;
                }
                else if (!known.TryGetValue(element, out structSpec))
                {
                    throw new InvalidOperationException($"struct type {element} is used before it is defined");
                }
            }

            result.Add(new FieldSpec(
                f.GetProperty("name").GetString()!,
                type,
                Versions.Parse(f.GetProperty("versions").GetString()),
                f.TryGetProperty("nullableVersions", out var nv) ? Versions.Parse(nv.GetString()) : Versions.None,
                f.TryGetProperty("taggedVersions", out var tv) ? Versions.Parse(tv.GetString()) : Versions.None,
                f.TryGetProperty("tag", out var tag) ? tag.GetInt32() : null,
                f.TryGetProperty("flexibleVersions", out var fv) ? Versions.Parse(fv.GetString()) : null,
                f.TryGetProperty("default", out var d) ? (d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText()) : null,
                f.TryGetProperty("about", out var about) ? about.GetString() : null,
                structSpec));
        }

        return result;
    }
}
