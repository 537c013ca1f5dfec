using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Herald.Registry.Formats.Json;

internal sealed partial class JsonSchemaLoader
{
    /// <summary>One schema object being loaded: keyword accessors that validate and report the location.</summary>
    private readonly record struct Scope(JsonSchemaLoader Loader, Document Document, JsonElement Element, List<string> Path, int Depth)
    {
        public SchemaNode Schema(JsonElement value, params string[] tokens) =>
            Loader.LoadSchema(Document, value, [.. Path, .. tokens], Depth + 1);

        public (List<SchemaNode> Nodes, List<string> Texts) SchemaArray(string keyword, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            {
                throw Invalid(keyword, $"must be a non-empty array of schemas, found {(value.ValueKind == JsonValueKind.Array ? "an empty array" : Describe(value))}");
            }

            var nodes = new List<SchemaNode>();
            var texts = new List<string>();
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                nodes.Add(Schema(item, keyword, index.ToString(CultureInfo.InvariantCulture)));
                texts.Add(JsonCanonicalizer.Canonicalize(item));
                index++;
            }

            return (nodes, texts);
        }

        public List<(string Name, SchemaNode Schema)> SchemaMap(string keyword, JsonElement value)
        {
            Expect(keyword, value, JsonValueKind.Object, "an object of schemas");
            var result = new List<(string, SchemaNode)>();
            foreach (var property in value.EnumerateObject())
            {
                result.Add((property.Name, Schema(property.Value, keyword, property.Name)));
            }

            return result;
        }

        public List<string> StringArray(string keyword, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            {
                throw Invalid(keyword, $"must be an array of strings, found {Describe(value)}");
            }

            return value.EnumerateArray().Select(v => v.GetString()!).ToList();
        }

        public string TypeName(JsonElement value)
        {
            var name = value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
            if (name is null || !TypeNames.Contains(name))
            {
                throw Invalid("type", $"{Describe(value)} is not a JSON Schema type (expected one of {string.Join(", ", TypeNames)})");
            }

            return name;
        }

        public string? OptionalString(string keyword)
        {
            if (!Element.TryGetProperty(keyword, out var value))
            {
                return null;
            }

            Expect(keyword, value, JsonValueKind.String, "a string");
            return value.GetString();
        }

        public bool? OptionalBoolean(string keyword)
        {
            if (!Element.TryGetProperty(keyword, out var value))
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Invalid(keyword, $"must be a boolean, found {Describe(value)}"),
            };
        }

        public long? OptionalCount(string keyword)
        {
            if (!Element.TryGetProperty(keyword, out var value))
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
                && number >= 0 && number == Math.Floor(number) && number <= long.MaxValue)
            {
                return (long)number;
            }

            throw Invalid(keyword, $"must be a non-negative integer, found {Describe(value)}");
        }

        public double? OptionalNumber(string keyword)
        {
            if (!Element.TryGetProperty(keyword, out var value))
            {
                return null;
            }

            Expect(keyword, value, JsonValueKind.Number, "a number");
            return value.GetDouble();
        }

        public double? OptionalNumberOrBoolean(string keyword)
        {
            if (Element.TryGetProperty(keyword, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return null;
            }

            return OptionalNumber(keyword);
        }

        public decimal? Decimal(string keyword) =>
            Element.GetProperty(keyword).TryGetDecimal(out var value) ? value : (decimal?)null;

        public string? OptionalPattern(string keyword)
        {
            var pattern = OptionalString(keyword);
            if (pattern is not null)
            {
                Regex(keyword, pattern);
            }

            return pattern;
        }

        public Regex Regex(string keyword, string pattern)
        {
            try
            {
                return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException e)
            {
                throw Invalid(keyword, $"'{pattern}' is not a valid regular expression: {e.Message.TrimEnd('.')}");
            }
        }

        public void Expect(string keyword, JsonElement value, JsonValueKind kind, string what)
        {
            if (value.ValueKind != kind)
            {
                throw Invalid(keyword, $"must be {what}, found {Describe(value)}");
            }
        }

        public InvalidSchemaException Invalid(string keyword, string problem) =>
            new($"Invalid '{keyword}' at {Location(Document, Path)}: {problem}.");
    }
}
