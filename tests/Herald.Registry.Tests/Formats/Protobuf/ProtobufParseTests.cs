using Herald.Registry.Formats;
using static Herald.Registry.Tests.Formats.Protobuf.ProtobufTestSchemas;

namespace Herald.Registry.Tests.Formats.Protobuf;

public sealed class ProtobufParseTests
{
    [Fact]
    public void Syntax_error_reports_line_and_column()
    {
        var error = Assert.Throws<InvalidSchemaException>(() => Parse("""
            syntax = "proto3";
            message User {
              string name = 1
            }
            """));

        Assert.Matches(@"line \d+, column \d+", error.Message);
        Assert.Contains("line 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_type_is_invalid()
    {
        var error = Assert.Throws<InvalidSchemaException>(() => Parse("""
            syntax = "proto3";
            message User {
              Address home = 1;
            }
            """));

        Assert.Contains("Address", error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unresolved_import_is_invalid()
    {
        var error = Assert.Throws<InvalidSchemaException>(() => Parse("""
            syntax = "proto3";
            import "address.proto";
            message User { string name = 1; }
            """));

        Assert.Contains("address.proto", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_inside_a_reference_names_the_reference()
    {
        var references = new Dictionary<string, string> { ["address.proto"] = "syntax = \"proto3\"; message Address { string street = 1 }" };

        var error = Assert.Throws<InvalidSchemaException>(() => Parse("syntax = \"proto3\"; import \"address.proto\"; message User { Address home = 1; }", references));

        Assert.Contains("address.proto line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_field_number_is_invalid()
    {
        Assert.Throws<InvalidSchemaException>(() => Parse("syntax = \"proto3\"; message User { string a = 1; string b = 1; }"));
    }

    [Fact]
    public void Imports_resolve_from_references()
    {
        var references = new Dictionary<string, string>
        {
            ["acme/address.proto"] = "syntax = \"proto3\"; package acme.geo; message Address { string street = 1; }",
        };

        var schema = Parse("""
            syntax = "proto3";
            package acme;
            import "acme/address.proto";
            message User { acme.geo.Address home = 1; }
            """, references);

        Assert.Equal(["acme.User"], schema.MessageNames);
        Assert.Contains("import \"acme/address.proto\";", schema.Canonical, StringComparison.Ordinal);
        Assert.Contains(".acme.geo.Address home = 1;", schema.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Well_known_types_are_built_in()
    {
        var schema = Parse("""
            syntax = "proto3";
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/wrappers.proto";
            import "google/protobuf/any.proto";
            message Event {
              google.protobuf.Timestamp at = 1;
              google.protobuf.StringValue note = 2;
              google.protobuf.Any payload = 3;
            }
            """);

        Assert.Equal(SchemaType.Protobuf, schema.Type);
        Assert.Contains(".google.protobuf.Timestamp at = 1;", schema.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_form_ignores_comments_whitespace_and_name_qualification()
    {
        var plain = Parse("""
            syntax = "proto3";
            package acme;
            message User { string name = 1; Status status = 2; enum Status { UNKNOWN = 0; } }
            """);
        var commented = Parse("""
            // The user.
            syntax   =   "proto3" ;
            package acme;   /* the package */

            message User {
              // Display name.
              string name = 1;   // trailing
              .acme.User.Status status = 2;

              enum Status {
                UNKNOWN = 0;
              }
            }
            """);

        Assert.Equal(plain.Canonical, commented.Canonical);
        Assert.Equal("acme", plain.Package);
    }

    [Fact]
    public void Canonical_form_changes_with_the_schema()
    {
        var before = Parse("syntax = \"proto3\"; message User { string name = 1; }");
        var renamed = Parse("syntax = \"proto3\"; message User { string full_name = 1; }");
        var optioned = Parse("syntax = \"proto3\"; option java_package = \"com.acme\"; message User { string name = 1; }");
        var deprecated = Parse("syntax = \"proto3\"; message User { string name = 1 [deprecated = true]; }");

        Assert.NotEqual(before.Canonical, renamed.Canonical);
        Assert.NotEqual(before.Canonical, optioned.Canonical);
        Assert.Contains("option java_package = \"com.acme\";", optioned.Canonical, StringComparison.Ordinal);
        Assert.Contains("[deprecated = true]", deprecated.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_form_renders_maps_oneofs_and_proto3_optional()
    {
        var schema = Parse("""
            syntax = "proto3";
            message User {
              map<string, int32> scores = 1;
              oneof contact { string email = 2; string phone = 3; }
              optional int32 age = 4;
              reserved 9, 10 to 12;
              reserved "legacy";
            }
            """);

        Assert.Equal("""
            syntax = "proto3";
            message User {
              map<string, int32> scores = 1;
              oneof contact {
                string email = 2;
                string phone = 3;
              }
              optional int32 age = 4;
              reserved 9, 10 to 12;
              reserved "legacy";
            }

            """.ReplaceLineEndings("\n"), schema.Canonical);
    }

    [Fact]
    public void Canonical_form_is_stable_across_parses()
    {
        const string text = "syntax = \"proto2\"; package p; message M { optional int32 a = 1 [default = 5]; repeated string b = 2; } service S { rpc Get (M) returns (M); }";

        Assert.Equal(Parse(text).Canonical, Parse(text).Canonical);
        Assert.Contains("optional int32 a = 1 [default = \"5\"];", Parse(text).Canonical, StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Empty_schema_is_invalid(string text)
    {
        Assert.Throws<InvalidSchemaException>(() => Parse(text));
    }

    [Fact]
    public void Pathologically_deep_nesting_is_rejected_before_parsing()
    {
        var text = "syntax = \"proto3\";\n" + string.Concat(Enumerable.Repeat("message M { ", 5000)) + new string('}', 5000);

        var error = Assert.Throws<InvalidSchemaException>(() => Parse(text));

        Assert.Contains("nests deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Braces_in_comments_and_strings_do_not_count_as_nesting()
    {
        var noise = new string('{', 500);
        var schema = Parse($"syntax = \"proto3\";\n// {noise}\n/* {noise} */\noption java_package = \"{noise}\";\nmessage M {{ string a = 1; }}");

        Assert.Equal(["M"], schema.MessageNames);
    }
}
