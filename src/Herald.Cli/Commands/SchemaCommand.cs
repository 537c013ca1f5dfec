using System.CommandLine;
using System.Globalization;
using System.Net;
using Herald.Cli.Schemas;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald schema register|check|diff</c>: schema contracts against a registry or offline, as CI runs them.</summary>
internal sealed partial class SchemaCommand : Command
{
    private readonly CliConsole console;

    public SchemaCommand(CliConsole console)
        : base("schema", "Register schemas, check compatibility and diff versions")
    {
        this.console = console;
        Subcommands.Add(CreateRegisterCommand());
        Subcommands.Add(CreateCheckCommand());
        Subcommands.Add(CreateDiffCommand());
    }

    private Command CreateRegisterCommand()
    {
        var subject = new Argument<string>("subject") { Description = "Subject to register under (e.g. orders-value)" };
        var file = new Argument<string>("file") { Description = "Schema file (.json JSON Schema, .avsc Avro, .proto Protobuf)" };
        var type = SchemaOptions.Type();
        var registry = CommonOptions.Registry();
        var json = CommonOptions.Json();
        var command = new Command("register", "Register a schema as the subject's next version; the registry enforces the subject's compatibility level")
        {
            subject, file, type, registry, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var name = result.GetValue(subject)!;
            var schema = SchemaFile.Read(result.GetValue(file)!, SchemaOptions.GetSchemaType(result, type));
            using var client = new RegistryClient(result.GetValue(registry)!);
            var response = await client.RegisterAsync(name, schema, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw response switch
                {
                    { Status: HttpStatusCode.Conflict } => new CliException(response.Message),
                    { ErrorCode: 42201 or 42209 } => CliException.BadInput(response.Message),
                    _ => client.Failure(response),
                };
            }

            var registered = new Registration(
                response.Body?["subject"]?.GetValue<string>() ?? name,
                response.Body?["id"]?.GetValue<int>() ?? 0,
                response.Body?["version"]?.GetValue<int>());
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, registered);
            }
            else
            {
                var version = registered.Version is { } v ? $" version {v.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
                CliOutput.WriteMarkupLine(
                    console.Out,
                    $"registered {Markup.Escape(schema.Path)} as [bold]{Markup.Escape(registered.Subject)}[/]{version}, id {registered.Id.ToString(CultureInfo.InvariantCulture)}",
                    console.OutIsTerminal);
            }

            return HeraldCli.Success;
        });
        return command;
    }

    /// <summary>The output of <c>schema register --json</c>.</summary>
    /// <param name="Subject">The subject.</param>
    /// <param name="Id">The schema's global id.</param>
    /// <param name="Version">The subject version it is (null when the registry only returns the id).</param>
    internal sealed record Registration(string Subject, int Id, int? Version);
}
