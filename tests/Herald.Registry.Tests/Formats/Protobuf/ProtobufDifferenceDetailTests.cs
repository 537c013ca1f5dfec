using static Herald.Registry.Tests.Formats.Protobuf.ProtobufTestSchemas;

namespace Herald.Registry.Tests.Formats.Protobuf;

/// <summary>Paths, kinds and messages of individual differences.</summary>
public sealed class ProtobufDifferenceDetailTests
{
    [Fact]
    public void Scalar_kind_change_names_the_field_and_the_types()
    {
        var before = Parse("syntax = \"proto3\"; package acme; message User { string name = 1; string id = 2; string email = 3; }");
        var after = Parse("syntax = \"proto3\"; package acme; message User { string name = 1; string id = 2; int32 email = 3; }");

        var difference = Assert.Single(Diff(before, after));

        Assert.Equal("acme.User.email (field 3)", difference.Path);
        Assert.Equal("FIELD_SCALAR_KIND_CHANGED", difference.Kind);
        Assert.Equal("field 3 'email' changed from string to int32: these types are not wire-compatible", difference.Message);
        Assert.False(difference.IsCompatible);
    }

    [Fact]
    public void Nested_and_enum_paths_use_full_names()
    {
        var before = Parse("syntax = \"proto3\"; package acme; message User { message Address { string zip = 1; } enum Kind { A = 0; B = 1; } }");
        var after = Parse("syntax = \"proto3\"; package acme; message User { message Address { string zip = 1; string city = 2; } enum Kind { A = 0; } }");

        var differences = Diff(before, after);

        Assert.Contains(differences, d => d.Kind == "FIELD_ADDED" && d.Path == "acme.User.Address.city (field 2)");
        Assert.Contains(differences, d => d.Kind == "ENUM_CONST_REMOVED" && d.Path == "acme.User.Kind.B (value 1)");
    }

    [Fact]
    public void Oneof_changes_point_at_the_oneof()
    {
        var before = Parse("syntax = \"proto3\"; package acme; message User { string name = 1; oneof contact { string email = 2; string phone = 3; } }");
        var after = Parse("syntax = \"proto3\"; package acme; message User { oneof contact { string name = 1; string email = 2; string phone = 3; } }");

        var difference = Assert.Single(Diff(before, after));

        Assert.Equal("FIELD_MOVED_TO_EXISTING_ONEOF", difference.Kind);
        Assert.Equal("acme.User.contact (oneof)", difference.Path);
    }

    [Fact]
    public void Field_moved_out_of_a_oneof_is_compatible_but_a_type_change_still_counts()
    {
        var before = Parse("syntax = \"proto3\"; message M { oneof x { int32 a = 1; int32 b = 2; } }");
        var moved = Parse("syntax = \"proto3\"; message M { oneof x { int32 a = 1; } int32 b = 2; }");
        var changed = Parse("syntax = \"proto3\"; message M { oneof x { int32 a = 1; } string b = 2; }");

        Assert.Equal(["ONEOF_FIELD_MOVED_TO_TOP_LEVEL"], Diff(before, moved).Select(d => d.Kind));
        Assert.Equal(["ONEOF_FIELD_MOVED_TO_TOP_LEVEL", "FIELD_SCALAR_KIND_CHANGED"], Diff(before, changed).Select(d => d.Kind));
    }

    [Fact]
    public void Removing_a_whole_oneof_is_compatible_but_dropping_a_member_is_not()
    {
        var before = Parse("syntax = \"proto3\"; message M { string id = 9; oneof g { int32 a = 1; int32 b = 2; } }");
        var withoutOneof = Parse("syntax = \"proto3\"; message M { string id = 9; }");
        var withoutMember = Parse("syntax = \"proto3\"; message M { string id = 9; oneof g2 { int32 a = 1; } }");

        Assert.Equal(["ONEOF_REMOVED"], Diff(before, withoutOneof).Select(d => d.Kind));
        Assert.Contains(Diff(before, withoutMember), d => d.Kind == "ONEOF_FIELD_REMOVED" && !d.IsCompatible);
    }

    [Fact]
    public void Type_name_qualification_is_not_a_change()
    {
        var before = Parse("syntax = \"proto3\"; package foo; message T { Status s = 1; map<string, Status> m = 2; message Status { string v = 1; } }");
        var after = Parse("syntax = \"proto3\"; package foo; message T { .foo.T.Status s = 1; map<string, T.Status> m = 2; message Status { string v = 1; } }");

        Assert.Empty(Diff(before, after));
    }

    [Fact]
    public void Proto3_implicit_presence_to_repeated_is_not_a_label_change_for_Confluent()
    {
        // Confluent's parser reports no label for a proto3 field without one, so only explicit labels are compared.
        var before = Parse("syntax = \"proto3\"; message M { int32 a = 1; }");
        var after = Parse("syntax = \"proto3\"; message M { repeated int32 a = 1; }");

        Assert.Empty(Diff(before, after));
    }
}
