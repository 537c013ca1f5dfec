// Generates one C# file per Kafka message definition (src/Herald.Protocol/Definitions/*.json)
// into src/Herald.Protocol/Messages/. Run from the repository root:
//   dotnet run --project tools/Herald.Protocol.Generator
// The generated code is committed so that readers can see exactly what goes on the wire.
using System.Text;
using System.Text.Json;
using Herald.Protocol.Generator;

var root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
var definitions = Path.Combine(root, "src", "Herald.Protocol", "Definitions");
var output = Path.Combine(root, "src", "Herald.Protocol", "Messages");
if (!Directory.Exists(definitions))
{
    Console.Error.WriteLine($"error: no definitions folder at {definitions}; run from the repository root");
    return 2;
}

Directory.CreateDirectory(output);
foreach (var stale in Directory.GetFiles(output, "*.g.cs"))
{
    File.Delete(stale);
}

var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
var specs = new List<MessageSpec>();
foreach (var file in Directory.GetFiles(definitions, "*.json").Order(StringComparer.Ordinal))
{
    using var doc = JsonDocument.Parse(File.ReadAllText(file), options);
    var spec = MessageSpec.Parse(doc.RootElement);
    specs.Add(spec);
    File.WriteAllText(Path.Combine(output, spec.Name + ".g.cs"), new MessageEmitter(spec).Emit());
}

File.WriteAllText(Path.Combine(output, "ApiMessages.g.cs"), ApiTableEmitter.Emit(specs));
Console.WriteLine($"generated {specs.Count} messages into {output}");
return 0;
