using System.CommandLine;
using Herald.Cli.Schemas;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;

namespace Herald.Cli.Commands;

internal sealed partial class SchemaCommand
{
    private Command CreateCheckCommand()
    {
        var operands = new Argument<string[]>("operands")
        {
            Description = "The subject and the schema file to check against the registry; with --against, only the file",
            HelpName = "[subject] file",
            Arity = new ArgumentArity(1, 2),
        };
        var against = new Option<string[]>("--against", "-a")
        {
            Description = "Check offline against this earlier schema file instead of a registry; repeat it, oldest first (the last one is the latest version)",
            HelpName = "OLD-FILE",
        };
        var mode = SchemaOptions.Mode("Compatibility level: backward, forward, full, their _transitive forms, or none (default: BACKWARD offline, the subject's level with a registry)");
        var policy = SchemaOptions.Policy("JSON Schema content-model policy (default: STRICT offline, the subject's policy with a registry)");
        var type = SchemaOptions.Type();
        var registry = CommonOptions.Registry();
        var json = CommonOptions.Json();
        var command = new Command("check", "Check a schema file for compatibility with a subject's versions, or offline with earlier files (exit 0 compatible, 1 incompatible, 2 bad input)")
        {
            operands, against, mode, policy, type, registry, json,
        };
        command.Validators.Add(result =>
        {
            var count = result.GetValue(operands)?.Length ?? 0;
            var offline = result.GetValue(against) is { Length: > 0 };
            if (offline && count != 1)
            {
                result.AddError("with --against, give only the schema file to check");
            }
            else if (!offline && count != 2)
            {
                result.AddError("give a subject and a schema file, or check offline with --against OLD-FILE");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var schemaType = SchemaOptions.GetSchemaType(result, type);
            var names = result.GetValue(operands)!;
            var candidateFile = SchemaFile.Read(names[^1], schemaType);
            var candidate = candidateFile.Parse();
            var requestedMode = SchemaOptions.GetMode(result, mode);
            var requestedPolicy = SchemaOptions.GetPolicy(result, policy);
            var asJson = result.GetValue(json);

            if (result.GetValue(against) is { Length: > 0 } oldFiles)
            {
                var previous = oldFiles
                    .Select(path => SchemaFile.Read(path, schemaType ?? SchemaFormats.TypeFromExtension(path) ?? candidateFile.Type))
                    .Select(old => (old.Name, old.Parse()))
                    .ToList();
                return CompatibilityReport.Write(
                    console, candidateFile.Path, candidate, previous,
                    requestedMode ?? CompatibilityLevel.Backward, requestedPolicy ?? CompatibilityPolicy.Strict, asJson, cancellationToken);
            }

            var subject = names[0];
            using var client = new RegistryClient(result.GetValue(registry)!);
            var versions = await client.GetVersionsAsync(subject, cancellationToken).ConfigureAwait(false);
            var (subjectLevel, subjectPolicy) = requestedMode is not null && requestedPolicy is not null
                ? (requestedMode.Value, requestedPolicy.Value)
                : await client.GetCompatibilityAsync(subject, cancellationToken).ConfigureAwait(false);
            var level = requestedMode ?? subjectLevel;
            var contentPolicy = requestedPolicy ?? subjectPolicy;
            if (versions is null || versions.Count == 0)
            {
                return CompatibilityReport.WriteNothingToBreak(console, candidateFile.Path, subject, level, contentPolicy, asJson);
            }

            return CompatibilityReport.Write(
                console, candidateFile.Path, candidate, versions.Select(v => ($"version {v.Version}", v.Schema)).ToList(),
                level, contentPolicy, asJson, cancellationToken);
        });
        return command;
    }
}
