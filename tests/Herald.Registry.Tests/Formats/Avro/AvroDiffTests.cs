using Herald.Registry.Formats;
using Herald.Registry.Formats.Avro;
using Xunit;
using static Herald.Registry.Tests.Formats.Avro.AvroSchemas;

namespace Herald.Registry.Tests.Formats.Avro;

/// <summary>What the differences say: kinds, paths, messages, and the compatible changes shown by <c>herald schema diff</c>.</summary>
public sealed class AvroDiffTests
{
    private static readonly Dictionary<string, string> NoReferences = [];
    private readonly AvroFormat _format = new();

    private IReadOnlyList<SchemaDifference> Diff(string original, string update) =>
        _format.Diff(_format.Parse(original, NoReferences), _format.Parse(update, NoReferences), CompatibilityPolicy.Strict, CancellationToken.None);

    [Fact]
    public void Identical_schemas_have_no_differences() =>
        Assert.Empty(Diff(User(Id, Field("tags", """{"type":"array","items":"string"}""")), User(Id, Field("tags", """{"type":"array","items":"string"}"""))));

    [Fact]
    public void Field_added_without_default_names_the_field()
    {
        var difference = Assert.Single(Diff(User(Id), User(Id, Field("email", "\"string\""))));

        Assert.Equal(new SchemaDifference(
            "User.email",
            AvroDifferenceKinds.ReaderFieldMissingDefaultValue,
            "field 'email' (string) was added without a default: data written with the old schema has no value for it",
            IsCompatible: false), difference);
    }

    [Fact]
    public void Nested_record_paths_go_through_field_names()
    {
        var difference = Assert.Single(Diff(
            User(Field("address", Address(Field("city", "\"string\"")))),
            User(Field("address", Address(Field("city", "\"int\""))))));

        Assert.Equal("User.address.city", difference.Path);
        Assert.Equal(AvroDifferenceKinds.TypeMismatch, difference.Kind);
        Assert.Contains("from string to int", difference.Message);
    }

    [Fact]
    public void Array_items_are_marked_with_brackets()
    {
        var difference = Assert.Single(Diff(
            User(Field("tags", """{"type":"array","items":"string"}""")),
            User(Field("tags", """{"type":"array","items":"int"}"""))));

        Assert.Equal("User.tags[]", difference.Path);
        Assert.False(difference.IsCompatible);
    }

    [Theory]
    [InlineData(AvroDifferenceKinds.FieldAddedWithDefault, "User.email")]
    [InlineData(AvroDifferenceKinds.FieldRemoved, "User.legacy")]
    [InlineData(AvroDifferenceKinds.TypePromoted, "User.count")]
    [InlineData(AvroDifferenceKinds.EnumSymbolAdded, "User.color")]
    [InlineData(AvroDifferenceKinds.UnionBranchAdded, "User.nickname")]
    [InlineData(AvroDifferenceKinds.DefaultChanged, "User.country")]
    [InlineData(AvroDifferenceKinds.FieldRenamedWithAlias, "User.fullName")]
    [InlineData(AvroDifferenceKinds.DocChanged, "User.id")]
    public void Compatible_changes_are_reported_as_compatible(string kind, string path)
    {
        var original = User(
            """{"name":"id","type":"long","doc":"old"}""",
            Field("legacy", "\"string\""),
            Field("count", "\"int\""),
            Field("color", Enum("\"RED\"")),
            Field("nickname", "\"string\""),
            Field("country", "\"string\"", "\"NL\""),
            Field("name", "\"string\""));
        var update = User(
            """{"name":"id","type":"long","doc":"new"}""",
            Field("count", "\"long\""),
            Field("color", Enum("\"RED\",\"BLUE\"")),
            Field("nickname", """["null","string"]""", "null"),
            Field("country", "\"string\"", "\"BE\""),
            """{"name":"fullName","type":"string","aliases":["name"]}""",
            Field("email", "\"string\"", "\"\""));

        var differences = Diff(original, update);

        Assert.All(differences, d => Assert.True(d.IsCompatible, d.ToString()));
        Assert.Contains(differences, d => d.Kind == kind && d.Path == path);
    }

    [Fact]
    public void Removed_enum_symbol_lists_the_symbols()
    {
        var difference = Assert.Single(Diff(User(Field("c", Enum("\"RED\",\"GREEN\",\"BLUE\""))), User(Field("c", Enum("\"RED\"")))));

        Assert.Equal(AvroDifferenceKinds.MissingEnumSymbols, difference.Kind);
        Assert.Equal("User.c", difference.Path);
        Assert.Contains("GREEN, BLUE", difference.Message);
    }

    [Fact]
    public void Removed_union_branch_is_missing_union_branch()
    {
        var differences = Diff(User(Field("u", """["null","string","int"]""")), User(Field("u", """["null","string"]""")));

        var difference = Assert.Single(differences, d => !d.IsCompatible);
        Assert.Equal(AvroDifferenceKinds.MissingUnionBranch, difference.Kind);
        Assert.Contains("int", difference.Message);
    }

    [Fact]
    public void Fixed_size_change_and_rename_use_confluent_names()
    {
        var kinds = Diff(
            User(Field("h", """{"type":"fixed","name":"Hash","size":16}""")),
            User(Field("h", """{"type":"fixed","name":"Digest","size":32}"""))).Select(d => d.Kind).ToList();

        Assert.Contains(AvroDifferenceKinds.FixedSizeMismatch, kinds);
        Assert.Contains(AvroDifferenceKinds.NameMismatch, kinds);
    }

    [Fact]
    public void Namespace_only_change_is_reported_as_compatible()
    {
        var difference = Assert.Single(Diff(User(Id), User(Id).Replace("com.example", "org.example")));

        Assert.Equal(AvroDifferenceKinds.NamespaceChanged, difference.Kind);
        Assert.True(difference.IsCompatible);
    }

    [Fact]
    public void Recursive_types_terminate_and_report_inside_the_recursion()
    {
        var difference = Assert.Single(Diff(LinkedList("long"), LinkedList("int")));

        Assert.Equal("Node.value", difference.Path);
        Assert.Equal(AvroDifferenceKinds.TypeMismatch, difference.Kind);
    }

    [Fact]
    public void Mutually_recursive_types_terminate()
    {
        const string tree = """
            {"type":"record","name":"Tree","fields":[
              {"name":"children","type":{"type":"array","items":{"type":"record","name":"Branch","fields":[
                {"name":"tree","type":"Tree"},{"name":"weight","type":"WEIGHT"}]}}}]}
            """;

        var differences = Diff(tree.Replace("WEIGHT", "int"), tree.Replace("WEIGHT", "double"));

        var difference = Assert.Single(differences);
        Assert.Equal("Tree.children[].weight", difference.Path);
        Assert.Equal(AvroDifferenceKinds.TypePromoted, difference.Kind);
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        var original = _format.Parse(LinkedList("int"), NoReferences);
        var update = _format.Parse(LinkedList("long"), NoReferences);

        Assert.ThrowsAny<OperationCanceledException>(() => _format.Diff(original, update, CompatibilityPolicy.Strict, new CancellationToken(canceled: true)));
    }
}
