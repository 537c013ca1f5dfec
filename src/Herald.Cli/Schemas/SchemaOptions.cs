using System.CommandLine;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;

namespace Herald.Cli.Schemas;

/// <summary>The options the <c>schema</c> commands share; each call returns a new option, so every command owns its own.</summary>
internal static class SchemaOptions
{
    public static Option<string?> Type()
    {
        var option = new Option<string?>("--type", "-t")
        {
            Description = "Schema format (default: from the file extension: .json JSON Schema, .avsc Avro, .proto Protobuf)",
            HelpName = "json|avro|protobuf",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && (string.IsNullOrWhiteSpace(value) || !SchemaFormats.TryParseType(value, out _)))
            {
                result.AddError($"unknown --type '{value}': expected json, avro or protobuf");
            }
        });
        return option;
    }

    public static Option<string?> Mode(string description)
    {
        var option = new Option<string?>("--mode", "-m") { Description = description, HelpName = "LEVEL" };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && !CompatibilityLevels.TryParse(value, out _))
            {
                result.AddError($"unknown --mode '{value}': expected backward, forward, full (each optionally _transitive) or none");
            }
        });
        return option;
    }

    public static Option<string?> Policy(string description)
    {
        var option = new Option<string?>("--policy") { Description = description, HelpName = "strict|lenient" };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && ParsePolicy(value) is null)
            {
                result.AddError($"unknown --policy '{value}': expected strict or lenient");
            }
        });
        return option;
    }

    public static SchemaType? GetSchemaType(ParseResult result, Option<string?> option) =>
        result.GetValue(option) is { } text && SchemaFormats.TryParseType(text, out var type) ? type : null;

    public static CompatibilityLevel? GetMode(ParseResult result, Option<string?> option) =>
        result.GetValue(option) is { } text && CompatibilityLevels.TryParse(text, out var level) ? level : null;

    public static CompatibilityPolicy? GetPolicy(ParseResult result, Option<string?> option) =>
        result.GetValue(option) is { } text ? ParsePolicy(text) : null;

    public static CompatibilityPolicy? ParsePolicy(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "STRICT" => CompatibilityPolicy.Strict,
        "LENIENT" => CompatibilityPolicy.Lenient,
        _ => null,
    };
}
