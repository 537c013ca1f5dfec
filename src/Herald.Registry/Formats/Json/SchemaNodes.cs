using System.Text.RegularExpressions;

namespace Herald.Registry.Formats.Json;

/// <summary>The shape of a loaded schema, mirroring the everit model Confluent's diff runs on.</summary>
internal enum NodeKind
{
    Empty,
    False,
    String,
    Number,
    Boolean,
    Null,
    Object,
    Array,
    Enum,
    Const,
    Combined,
    Not,
    Conditional,
    Reference,
}

/// <summary>One loaded (sub)schema. Instances are shared per JSON location, so identity means "same place".</summary>
internal abstract class SchemaNode
{
    public abstract NodeKind Kind { get; }

    public string? Id { get; set; }

    public string? Title { get; set; }

    public string? Description { get; set; }

    /// <summary>The canonical text of <c>default</c>, or null when absent.</summary>
    public string? Default { get; set; }

    public bool HasDefault => Default is not null;

    /// <summary>Kafka Connect's <c>connect.type</c> annotation; two <c>bytes</c> schemas count as the same type.</summary>
    public string? ConnectType { get; set; }
}

internal sealed class EmptyNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Empty;
}

internal sealed class FalseNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.False;
}

internal sealed class BooleanNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Boolean;
}

internal sealed class NullNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Null;
}

/// <summary>Opaque <c>if/then/else</c>: Confluent's diff does not look inside it either.</summary>
internal sealed class ConditionalNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Conditional;
}

internal sealed class StringNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.String;

    public long? MinLength { get; set; }

    public long? MaxLength { get; set; }

    public string? Pattern { get; set; }
}

internal sealed class NumberNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Number;

    public bool RequiresInteger { get; set; }

    public double? Minimum { get; set; }

    public double? Maximum { get; set; }

    public double? ExclusiveMinimum { get; set; }

    public double? ExclusiveMaximum { get; set; }

    public decimal? MultipleOf { get; set; }
}

internal sealed class ObjectNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Object;

    public Dictionary<string, SchemaNode> Properties { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Required { get; } = new(StringComparer.Ordinal);

    /// <summary>False only for <c>additionalProperties: false</c>.</summary>
    public bool PermitsAdditionalProperties { get; set; } = true;

    /// <summary>The schema of <c>additionalProperties</c> when it is an object (<c>{}</c> included); null for absent/true/false.</summary>
    public SchemaNode? AdditionalProperties { get; set; }

    public List<(Regex Pattern, SchemaNode Schema)> PatternProperties { get; } = [];

    public Dictionary<string, HashSet<string>> PropertyDependencies { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SchemaNode> SchemaDependencies { get; } = new(StringComparer.Ordinal);

    public long? MinProperties { get; set; }

    public long? MaxProperties { get; set; }

    public SchemaNode? UnevaluatedProperties { get; set; }
}

internal sealed class ArrayNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Array;

    /// <summary><c>items</c> as a single schema.</summary>
    public SchemaNode? AllItems { get; set; }

    /// <summary><c>items</c> as an array (tuple validation) or <c>prefixItems</c>.</summary>
    public List<SchemaNode>? ItemSchemas { get; set; }

    public bool PermitsAdditionalItems { get; set; } = true;

    public SchemaNode? AdditionalItems { get; set; }

    public long? MinItems { get; set; }

    public long? MaxItems { get; set; }

    public bool UniqueItems { get; set; }

    public long? MinContains { get; set; }

    public long? MaxContains { get; set; }

    public SchemaNode? UnevaluatedItems { get; set; }
}

internal sealed class EnumNode : SchemaNode
{
    public override NodeKind Kind => NodeKind.Enum;

    /// <summary>Canonical texts of the permitted values; a set, as in Confluent.</summary>
    public HashSet<string> Values { get; } = new(StringComparer.Ordinal);
}

internal sealed class ConstNode : SchemaNode
{
    public ConstNode(string value) => Value = value;

    public override NodeKind Kind => NodeKind.Const;

    public string Value { get; }
}

internal enum Criterion
{
    AllOf,
    AnyOf,
    OneOf,
}

internal sealed class CombinedNode : SchemaNode
{
    public CombinedNode(Criterion criterion, List<SchemaNode> subschemas, List<string> subschemaTexts)
    {
        Criterion = criterion;
        Subschemas = subschemas;
        SubschemaTexts = subschemaTexts;
    }

    public override NodeKind Kind => NodeKind.Combined;

    public Criterion Criterion { get; }

    public List<SchemaNode> Subschemas { get; }

    /// <summary>Canonical text per subschema, used to collapse duplicates like Confluent does.</summary>
    public List<string> SubschemaTexts { get; }
}

internal sealed class NotNode : SchemaNode
{
    public NotNode(SchemaNode mustNotMatch) => MustNotMatch = mustNotMatch;

    public override NodeKind Kind => NodeKind.Not;

    public SchemaNode MustNotMatch { get; }
}

internal sealed class ReferenceNode : SchemaNode
{
    public ReferenceNode(string reference, string location)
    {
        Reference = reference;
        Location = location;
    }

    public override NodeKind Kind => NodeKind.Reference;

    public string Reference { get; }

    /// <summary>Where the <c>$ref</c> appears, for error messages.</summary>
    public string Location { get; }

    public SchemaNode? Target { get; set; }
}
