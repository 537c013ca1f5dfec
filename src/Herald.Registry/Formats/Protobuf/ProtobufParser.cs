using System.Text;
using Google.Protobuf.Reflection;
using ProtoBuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>Turns <c>.proto</c> text plus its references into a processed descriptor set.</summary>
internal static class ProtobufParser
{
    private const int MaxReportedErrors = 5;

    public static ProtobufParsedSchema Parse(string schema, IReadOnlyDictionary<string, string> references)
    {
        if (string.IsNullOrWhiteSpace(schema))
        {
            throw new InvalidSchemaException("Invalid Protobuf schema: the schema is empty.");
        }

        ProtobufNestingGuard.Check(schema, "the schema");
        foreach (var (name, text) in references)
        {
            ProtobufNestingGuard.Check(text, $"reference '{name}'");
        }

        var rootName = ChooseRootName(references);
        var set = new FileDescriptorSet { FileSystem = new ReferenceFileSystem(references) };
        // Imports are looked up as "" + path, i.e. the reference name exactly as written in the import statement.
        set.AddImportPath(string.Empty);

        try
        {
            set.Add(rootName, includeInOutput: true, new StringReader(schema));
            set.Process();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // protobuf-net throws for a few inputs instead of reporting them (e.g. an import path with "..").
            throw new InvalidSchemaException($"Invalid Protobuf schema: {ex.Message}", ex);
        }

        var errors = set.GetErrors().Where(e => e.IsError).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidSchemaException(Describe(errors, rootName));
        }

        var root = set.Files.Single(f => f.Name == rootName);
        return new ProtobufParsedSchema(schema, root, new ProtobufTypeTable(set, root, references));
    }

    private static string ChooseRootName(IReadOnlyDictionary<string, string> references)
    {
        var name = "schema.proto";
        while (references.ContainsKey(name))
        {
            name = "_" + name;
        }

        return name;
    }

    private static string Describe(List<Error> errors, string rootName)
    {
        var text = new StringBuilder("Invalid Protobuf schema: ");
        foreach (var (error, i) in errors.Take(MaxReportedErrors).Select((e, i) => (e, i)))
        {
            if (i > 0)
            {
                text.Append("; ");
            }

            if (error.File != rootName)
            {
                text.Append(error.File).Append(' ');
            }

            text.Append("line ").Append(error.LineNumber).Append(", column ").Append(error.ColumnNumber).Append(": ").Append(error.Message);
        }

        if (errors.Count > MaxReportedErrors)
        {
            text.Append("; and ").Append(errors.Count - MaxReportedErrors).Append(" more");
        }

        return text.ToString();
    }

    /// <summary>Serves imports from the reference texts; anything else falls through to protobuf-net's built-in google/protobuf files.</summary>
    private sealed class ReferenceFileSystem(IReadOnlyDictionary<string, string> references) : IFileSystem
    {
        public bool Exists(string path) => references.ContainsKey(path);

        public TextReader OpenText(string path) => new StringReader(references[path]);
    }
}
