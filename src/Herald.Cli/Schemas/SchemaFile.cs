using Herald.Registry.Formats;
using Herald.Server;

namespace Herald.Cli.Schemas;

/// <summary>A schema file named on the command line: its text and the format its extension (or <c>--type</c>) implies.</summary>
internal sealed record SchemaFile(string Path, string Text, SchemaType Type)
{
    private static readonly Dictionary<string, string> NoReferences = [];

    /// <summary>The formats <c>herald serve</c> installs, so offline checks judge exactly as the registry does.</summary>
    public static SchemaFormats Formats { get; } = new(SchemaFormatCatalog.All);

    /// <summary>The file name, used to name an offline version in messages.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Reads <paramref name="path"/>; an unreadable file or an unknown extension without <c>--type</c> is bad input (exit 2).</summary>
    public static SchemaFile Read(string path, SchemaType? type)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw CliException.BadInput($"cannot read {path}: {OneLine(e.Message)}", e);
        }

        var resolved = type ?? SchemaFormats.TypeFromExtension(path)
            ?? throw CliException.BadInput($"cannot tell the schema format of {path} from its extension (.json, .avsc, .proto); pass --type json|avro|protobuf");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CliException.BadInput($"invalid schema in {path}: the file is empty");
        }

        return new SchemaFile(path, text, resolved);
    }

    /// <summary>Parses the file with its format; an invalid schema is bad input (exit 2) carrying the parser's message.</summary>
    public ParsedSchema Parse() => Parse(Text, Type, Path, NoReferences);

    /// <summary>Parses schema text from anywhere (a file, a registry version) and says where it came from when it is invalid.</summary>
    public static ParsedSchema Parse(string text, SchemaType type, string origin, IReadOnlyDictionary<string, string> references)
    {
        try
        {
            return Formats.Parse(type, text, references);
        }
        catch (InvalidSchemaException e)
        {
            throw CliException.BadInput($"invalid schema in {origin}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>Folds a multi-line message onto one line, so every failure stays one <c>error:</c> line.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
