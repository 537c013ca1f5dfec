using Herald.Registry.Formats;
using static Herald.Registry.Tests.Formats.Protobuf.ProtobufTestSchemas;

namespace Herald.Registry.Tests.Formats.Protobuf;

/// <summary>Confluent's verdicts in both directions: BACKWARD = nothing incompatible in Diff(old, new), FORWARD = nothing in Diff(new, old).</summary>
public sealed class ProtobufCompatibilityTests
{
    private const string Address = """
        syntax = "proto3";
        package acme;
        message Address { string street = 1; }
        """;

    private static readonly Dictionary<string, Case> Cases = new[]
    {
        new Case("field added",
            "message User { string name = 1; }",
            "message User { string name = 1; string email = 2; }",
            Backward: true, Forward: true, "FIELD_ADDED"),
        new Case("field removed",
            "message User { string name = 1; string email = 2; }",
            "message User { string name = 1; }",
            Backward: true, Forward: true, "FIELD_REMOVED"),
        new Case("field renamed, same number",
            "message User { string email = 1; }",
            "message User { string mail = 1; }",
            Backward: true, Forward: true, "FIELD_NAME_CHANGED"),
        new Case("field number changed",
            "message User { string email = 1; }",
            "message User { string email = 2; }",
            Backward: true, Forward: true, "FIELD_REMOVED", "FIELD_ADDED"),
        new Case("int32 to int64",
            "message User { int32 age = 1; }",
            "message User { int64 age = 1; }",
            Backward: true, Forward: true),
        new Case("int32 to sint32",
            "message User { int32 age = 1; }",
            "message User { sint32 age = 1; }",
            Backward: false, Forward: false, "FIELD_SCALAR_KIND_CHANGED"),
        new Case("fixed32 to sfixed32",
            "message User { fixed32 age = 1; }",
            "message User { sfixed32 age = 1; }",
            Backward: true, Forward: true),
        new Case("float to double",
            "message User { float score = 1; }",
            "message User { double score = 1; }",
            Backward: false, Forward: false, "FIELD_SCALAR_KIND_CHANGED"),
        new Case("string to bytes",
            "message User { string email = 1; }",
            "message User { bytes email = 1; }",
            Backward: true, Forward: true),
        new Case("string to int32",
            "message User { string email = 1; }",
            "message User { int32 email = 1; }",
            Backward: false, Forward: false, "FIELD_SCALAR_KIND_CHANGED"),
        new Case("int32 to enum",
            "message User { int32 status = 1; }",
            "message User { Status status = 1; } enum Status { UNKNOWN = 0; ACTIVE = 1; }",
            Backward: true, Forward: true, "ENUM_ADDED"),
        new Case("message type changed",
            "message User { Home address = 1; } message Home { string street = 1; } message Work { string street = 1; }",
            "message User { Work address = 1; } message Home { string street = 1; } message Work { string street = 1; }",
            Backward: false, Forward: false, "FIELD_NAMED_TYPE_CHANGED"),
        new Case("scalar to message",
            "message User { string address = 1; } message Address { string street = 1; }",
            "message User { Address address = 1; } message Address { string street = 1; }",
            Backward: false, Forward: false, "FIELD_KIND_CHANGED"),
        new Case("repeated message to map",
            "message User { repeated Tag tags = 1; } message Tag { string key = 1; string value = 2; }",
            "message User { map<string, string> tags = 1; } message Tag { string key = 1; string value = 2; }",
            Backward: false, Forward: false, "FIELD_KIND_CHANGED"),
        new Case("map value type changed",
            "message User { map<string, int32> scores = 1; }",
            "message User { map<string, string> scores = 1; }",
            Backward: false, Forward: false, "FIELD_SCALAR_KIND_CHANGED"),
        new Case("map value int32 to int64",
            "message User { map<string, int32> scores = 1; }",
            "message User { map<string, int64> scores = 1; }",
            Backward: true, Forward: true),
        new Case("optional number to repeated",
            "message User { optional int32 age = 1; }",
            "message User { repeated int32 age = 1; }",
            Backward: false, Forward: false, "FIELD_NUMERIC_LABEL_CHANGED"),
        new Case("optional string to repeated",
            "message User { optional string email = 1; }",
            "message User { repeated string email = 1; }",
            Backward: true, Forward: true, "FIELD_STRING_OR_BYTES_LABEL_CHANGED"),
        new Case("optional message to repeated",
            "message User { optional Address home = 1; } message Address { string street = 1; }",
            "message User { repeated Address home = 1; } message Address { string street = 1; }",
            Backward: true, Forward: true),
        new Case("message added",
            "message User { string name = 1; }",
            "message User { string name = 1; } message Order { string id = 1; }",
            Backward: true, Forward: false, "MESSAGE_ADDED"),
        new Case("message removed",
            "message User { string name = 1; } message Order { string id = 1; }",
            "message User { string name = 1; }",
            Backward: false, Forward: true, "MESSAGE_REMOVED"),
        new Case("messages reordered",
            "message User { string name = 1; } message Order { string id = 1; }",
            "message Order { string id = 1; } message User { string name = 1; }",
            Backward: true, Forward: true, "MESSAGE_MOVED", "MESSAGE_MOVED"),
        new Case("enum value added",
            "message User { Status status = 1; } enum Status { UNKNOWN = 0; }",
            "message User { Status status = 1; } enum Status { UNKNOWN = 0; ACTIVE = 1; }",
            Backward: true, Forward: true, "ENUM_CONST_ADDED"),
        new Case("enum value removed",
            "message User { Status status = 1; } enum Status { UNKNOWN = 0; ACTIVE = 1; }",
            "message User { Status status = 1; } enum Status { UNKNOWN = 0; }",
            Backward: true, Forward: true, "ENUM_CONST_REMOVED"),
        new Case("enum value renamed",
            "enum Status { UNKNOWN = 0; ACTIVE = 1; } message User { Status status = 1; }",
            "enum Status { UNKNOWN = 0; ENABLED = 1; } message User { Status status = 1; }",
            Backward: true, Forward: true, "ENUM_CONST_CHANGED"),
        new Case("oneof field added",
            "message User { oneof contact { string email = 1; string phone = 2; } }",
            "message User { oneof contact { string email = 1; string phone = 2; string pager = 3; } }",
            Backward: true, Forward: false, "ONEOF_FIELD_ADDED"),
        new Case("single field moved into a new oneof",
            "message User { string name = 1; string email = 2; }",
            "message User { string name = 1; oneof contact { string email = 2; string phone = 3; } }",
            Backward: true, Forward: false, "ONEOF_ADDED", "ONEOF_FIELD_ADDED"),
        new Case("two fields moved into a new oneof",
            "message User { string email = 1; string phone = 2; }",
            "message User { oneof contact { string email = 1; string phone = 2; } }",
            Backward: false, Forward: true, "MULTIPLE_FIELDS_MOVED_TO_ONEOF", "ONEOF_ADDED"),
        new Case("field moved into an existing oneof",
            "message User { string name = 1; oneof contact { string email = 2; string phone = 3; } }",
            "message User { oneof contact { string name = 1; string email = 2; string phone = 3; } }",
            Backward: false, Forward: true, "FIELD_MOVED_TO_EXISTING_ONEOF"),
        new Case("oneof renamed",
            "message User { oneof contact { string email = 1; string phone = 2; } }",
            "message User { oneof reach { string email = 1; string phone = 2; } }",
            Backward: true, Forward: true, "ONEOF_REMOVED", "ONEOF_ADDED"),
        new Case("nested message field type changed",
            "message User { message Address { string zip = 1; } Address home = 1; }",
            "message User { message Address { int32 zip = 1; } Address home = 1; }",
            Backward: false, Forward: false, "FIELD_SCALAR_KIND_CHANGED"),
        new Case("nested message field added",
            "message User { message Address { string zip = 1; } Address home = 1; }",
            "message User { message Address { string zip = 1; string city = 2; } Address home = 1; }",
            Backward: true, Forward: true, "FIELD_ADDED"),
        new Case("recursive message gains a field",
            "message Node { string value = 1; repeated Node children = 2; }",
            "message Node { string value = 1; repeated Node children = 2; int32 weight = 3; }",
            Backward: true, Forward: true, "FIELD_ADDED"),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Verdicts_match_Confluent_in_both_directions(string name)
    {
        var @case = Cases[name];
        var before = Parse($"syntax = \"proto3\";\npackage acme;\n{@case.Old}");
        var after = Parse($"syntax = \"proto3\";\npackage acme;\n{@case.New}");

        var backward = Diff(before, after);
        var forward = Diff(after, before);

        Assert.True(@case.Backward == backward.All(d => d.IsCompatible), $"BACKWARD: {Show(backward)}");
        Assert.True(@case.Forward == forward.All(d => d.IsCompatible), $"FORWARD: {Show(forward)}");
        Assert.Equal(@case.Kinds.Order(), backward.Select(d => d.Kind).Order());
    }

    [Fact]
    public void Proto2_required_field_added_breaks_both_ways()
    {
        var before = Parse("syntax = \"proto2\"; message User { optional string name = 1; }");
        var after = Parse("syntax = \"proto2\"; message User { optional string name = 1; required string email = 2; }");

        Assert.Equal("REQUIRED_FIELD_ADDED", Assert.Single(Diff(before, after)).Kind);
        Assert.Equal("REQUIRED_FIELD_REMOVED", Assert.Single(Diff(after, before)).Kind);
        Assert.False(Diff(before, after)[0].IsCompatible);
    }

    [Fact]
    public void Package_change_is_incompatible_both_ways()
    {
        var before = Parse("syntax = \"proto3\"; package acme; message User { string name = 1; }");
        var after = Parse("syntax = \"proto3\"; package acme.v2; message User { string name = 1; }");

        var difference = Assert.Single(Diff(before, after));
        Assert.Equal("PACKAGE_CHANGED", difference.Kind);
        Assert.False(difference.IsCompatible);
        Assert.Contains(Diff(after, before), d => !d.IsCompatible);
    }

    [Fact]
    public void Imported_message_that_changes_incompatibly_breaks_the_field_using_it()
    {
        var v1 = new Dictionary<string, string> { ["address.proto"] = Address };
        var v2 = new Dictionary<string, string> { ["address.proto"] = Address.Replace("string street", "int64 street", StringComparison.Ordinal) };
        const string schema = """
            syntax = "proto3";
            package acme;
            import "address.proto";
            message User { Address home = 1; }
            """;

        var differences = Diff(Parse(schema, v1), Parse(schema, v2));

        Assert.Contains(differences, d => d.Kind == "FIELD_SCALAR_KIND_CHANGED" && d.Path == "acme.Address.street (field 1)");
        Assert.Contains(differences, d => d.Kind == "FIELD_NAMED_TYPE_CHANGED" && d.Path == "acme.User.home (field 1)");
    }

    [Fact]
    public void Imported_message_that_changes_compatibly_keeps_the_schema_compatible()
    {
        var v1 = new Dictionary<string, string> { ["address.proto"] = Address };
        var v2 = new Dictionary<string, string> { ["address.proto"] = Address.Replace("string street = 1;", "string street = 1; string city = 2;", StringComparison.Ordinal) };
        const string schema = """
            syntax = "proto3";
            package acme;
            import "address.proto";
            message User { Address home = 1; }
            """;

        var differences = Diff(Parse(schema, v1), Parse(schema, v2));

        Assert.All(differences, d => Assert.True(d.IsCompatible, d.Message));
        Assert.Contains(differences, d => d.Kind == "FIELD_ADDED");
        Assert.Empty(Diff(Parse(schema, v1), Parse(schema, v1)));
    }

    [Fact]
    public void Moving_a_message_into_an_import_is_a_removal()
    {
        var references = new Dictionary<string, string> { ["address.proto"] = Address };
        var before = Parse("syntax = \"proto3\"; package acme; message User { Address home = 1; } message Address { string street = 1; }");
        var after = Parse("syntax = \"proto3\"; package acme; import \"address.proto\"; message User { Address home = 1; }", references);

        var differences = Diff(before, after);

        Assert.Contains(differences, d => d.Kind == "MESSAGE_REMOVED" && d.Path == "acme.Address");
        Assert.All(Diff(after, before), d => Assert.True(d.IsCompatible, d.Message));
    }

    [Fact]
    public void Chains_of_imported_types_are_compared_once_per_pair()
    {
        // 40 levels, each referencing the next twice: comparing every use separately would take 2^40 steps.
        Dictionary<string, string> Chain(string leafType)
        {
            var files = new Dictionary<string, string>();
            for (var i = 0; i < 40; i++)
            {
                files[$"level{i}.proto"] = i == 39
                    ? $"syntax = \"proto3\"; package deep; message L{i} {{ {leafType} v = 1; }}"
                    : $"syntax = \"proto3\"; package deep; import \"level{i + 1}.proto\"; message L{i} {{ L{i + 1} a = 1; L{i + 1} b = 2; }}";
            }

            return files;
        }

        const string schema = "syntax = \"proto3\"; package acme; import \"level0.proto\"; message Root { deep.L0 top = 1; }";

        var differences = Diff(Parse(schema, Chain("string")), Parse(schema, Chain("int32")));

        Assert.Single(differences, d => d.Kind == "FIELD_SCALAR_KIND_CHANGED");
        Assert.Contains(differences, d => d.Kind == "FIELD_NAMED_TYPE_CHANGED" && d.Path == "acme.Root.top (field 1)");
    }

    [Fact]
    public void Identical_schemas_have_no_differences()
    {
        var schema = Parse("""
            syntax = "proto3";
            package acme;
            import "google/protobuf/timestamp.proto";
            message User {
              string name = 1;
              map<string, Tag> tags = 2;
              google.protobuf.Timestamp created = 3;
              oneof contact { string email = 4; string phone = 5; }
              optional int32 age = 6;
              message Tag { string value = 1; }
            }
            """);

        Assert.Empty(Diff(schema, schema));
    }

    [Fact]
    public void Diff_honours_cancellation()
    {
        var schema = Parse("syntax = \"proto3\"; message User { string name = 1; }");

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Format.Diff(schema, schema, CompatibilityPolicy.Strict, new CancellationToken(canceled: true)));
    }

    private static string Show(IReadOnlyList<SchemaDifference> differences) =>
        string.Join("; ", differences.Select(d => $"{d.Kind} {d.Path} ({(d.IsCompatible ? "ok" : "breaks")})"));

    public sealed record Case(string Name, string Old, string New, bool Backward, bool Forward, params string[] Kinds);
}
