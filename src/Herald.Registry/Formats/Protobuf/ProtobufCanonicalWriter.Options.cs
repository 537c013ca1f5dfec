using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using ProtoBuf;

namespace Herald.Registry.Formats.Protobuf;

internal sealed partial class ProtobufCanonicalWriter
{
    private static readonly ConcurrentDictionary<Type, OptionMember[]> MembersByType = new();

    /// <summary>
    /// <c>name = value</c> for every option that is set, built-in ones by their <c>.proto</c> names; custom options
    /// (stored as extension data once protobuf-net has interpreted them) as one hex blob, which is enough for identity.
    /// </summary>
    private static IEnumerable<string> OptionAssignments(object? options, string prefix = "")
    {
        if (options is null)
        {
            yield break;
        }

        foreach (var member in MembersByType.GetOrAdd(options.GetType(), FindMembers))
        {
            if (member.ShouldSerialize is not null && !(bool)member.ShouldSerialize.Invoke(options, null)!)
            {
                continue;
            }

            var value = member.Property.GetValue(options);
            if (value is null)
            {
                continue;
            }

            if (value.GetType().GetCustomAttribute<ProtoContractAttribute>() is not null)
            {
                foreach (var nested in OptionAssignments(value, prefix + member.Name + "."))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return $"{prefix}{member.Name} = {FormatValue(value)}";
            }
        }

        if (options is IExtensible extensible && extensible.GetExtensionObject(false) is { } extension)
        {
            var stream = extension.BeginQuery();
            try
            {
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                if (bytes.Length > 0)
                {
                    yield return $"{prefix}(extensions) = 0x{Convert.ToHexString(bytes.ToArray())}";
                }
            }
            finally
            {
                extension.EndQuery(stream);
            }
        }
    }

    private static OptionMember[] FindMembers(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Member: p.GetCustomAttribute<ProtoMemberAttribute>(), ShouldSerialize: type.GetMethod("ShouldSerialize" + p.Name, Type.EmptyTypes)))
            // Scalars say whether they are set through ShouldSerializeX; nested option messages (editions' features) by being non-null.
            .Where(m => m.Member is not null
                && (m.ShouldSerialize?.ReturnType == typeof(bool) || m.Property.PropertyType.GetCustomAttribute<ProtoContractAttribute>() is not null))
            .OrderBy(m => m.Member!.Tag)
            .Select(m => new OptionMember(m.Member!.Name ?? m.Property.Name, m.Property, m.ShouldSerialize))
            .ToArray();

    private static string FormatValue(object value) => value switch
    {
        string s => Quote(s),
        bool b => b ? "true" : "false",
        Enum e => e.GetType().GetField(e.ToString())?.GetCustomAttribute<ProtoEnumAttribute>()?.Name ?? e.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        quoted.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(c);
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    private sealed record OptionMember(string Name, PropertyInfo Property, MethodInfo? ShouldSerialize);
}
