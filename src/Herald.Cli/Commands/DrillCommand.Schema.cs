using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Herald.Cli.Commands;

internal sealed partial class DrillCommand
{
    internal const string OrderCreatedV1 = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "OrderCreated",
          "type": "object",
          "properties": {
            "order_id": { "type": "string" },
            "amount": { "type": "number" }
          },
          "required": ["order_id", "amount"],
          "additionalProperties": false
        }
        """;

    internal const string OrderCreatedV2 = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "OrderCreated",
          "type": "object",
          "properties": {
            "order_id": { "type": "string" },
            "amount": { "type": "number" },
            "currency": { "type": "string" }
          },
          "required": ["order_id", "amount"],
          "additionalProperties": false
        }
        """;

    internal const string OrderCreatedV3 = """
        {
          "$schema": "http://json-schema.org/draft-07/schema#",
          "title": "OrderCreated",
          "type": "object",
          "properties": {
            "order_id": { "type": "string" },
            "amount": { "type": "number" },
            "currency": { "type": "string" },
            "customer_email": { "type": "string" }
          },
          "required": ["order_id", "amount", "customer_email"],
          "additionalProperties": false
        }
        """;

    /// <summary><c>herald drill schema</c>: drill 1, schema evolution, offline.</summary>
    private Command CreateSchemaCommand()
    {
        var dir = new Option<string?>("--dir") { Description = "Write the schema files here (default: a new temporary folder)", HelpName = "DIR" };
        var keep = new Option<bool>("--keep") { Description = "Keep the schema files afterwards" };
        var command = new Command("schema", "Drill 1, schema evolution: an added optional field passes the BACKWARD check, an added required field fails it as CI would")
        {
            dir, keep,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var given = result.GetValue(dir);
            var folder = Path.GetFullPath(given ?? Path.Combine(Path.GetTempPath(), "herald-drill-schema-" + Guid.NewGuid().ToString("N")[..8]));
            var created = !Directory.Exists(folder);
            var written = new List<string>();
            try
            {
                Directory.CreateDirectory(folder);
                return await RunSchemaDrillAsync(folder, written, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (result.GetValue(keep))
                {
                    await console.Error.WriteLineAsync($"kept the schema files in {folder}").ConfigureAwait(false);
                }
                else
                {
                    written.ForEach(File.Delete);
                    if (created && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                    {
                        Directory.Delete(folder);
                    }
                }
            }
        });
        return command;
    }

    private async Task<int> RunSchemaDrillAsync(string folder, List<string> written, CancellationToken cancellationToken)
    {
        string Write(string name, string text)
        {
            var path = Path.Combine(folder, name);
            File.WriteAllText(path, text + "\n");
            written.Add(path);
            return path;
        }

        Heading("Drill 1: schema evolution (OrderCreated, JSON Schema, BACKWARD)");

        Step(1, "v1: a closed content model (additionalProperties: false) with required order_id and amount");
        var v1 = Write("OrderCreated-v1.json", OrderCreatedV1);
        Show(v1, OrderCreatedV1);

        Step(2, "v2 adds an optional field, currency: the CI check must pass");
        var v2 = Write("OrderCreated-v2.json", OrderCreatedV2);
        Show(v2, OrderCreatedV2);
        var passed = await CheckAsync(["--against", v1, v2], cancellationToken).ConfigureAwait(false);
        var step2 = passed.ExitCode == HeraldCli.Success;
        Verdict(step2, step2
            ? "as expected: adding an optional field is backward compatible, consumers on v2 still read every v1 event"
            : $"surprise: expected the check to pass (exit 0), it exited {passed.ExitCode}");

        Step(3, "v3 adds a required field, customer_email: the CI check must fail and say why");
        var v3 = Write("OrderCreated-v3.json", OrderCreatedV3);
        Show(v3, OrderCreatedV3);
        var failed = await CheckAsync(["--against", v1, "--against", v2, v3], cancellationToken).ConfigureAwait(false);
        var step3 = failed.ExitCode == HeraldCli.RuntimeFailure && failed.Output.Contains("customer_email", StringComparison.Ordinal);
        Verdict(step3, step3
            ? "as expected: v2 events have no customer_email, so a v3 consumer cannot read them; CI blocks the change"
            : failed.ExitCode == HeraldCli.RuntimeFailure
                ? "surprise: the check failed, but its message does not name customer_email"
                : $"surprise: expected the check to fail (exit 1), it exited {failed.ExitCode}");

        if (!step2)
        {
            throw new CliException("drill schema failed at step 2: adding the optional field 'currency' did not pass the BACKWARD check");
        }

        if (!step3)
        {
            throw new CliException("drill schema failed at step 3: adding the required field 'customer_email' was not rejected with a message naming it");
        }

        CliOutput.WriteMarkupLine(console.Out, "[green]drill passed:[/] an added optional field passes the BACKWARD check, an added required field fails it, and CI says which field broke which rule", console.OutIsTerminal);
        return HeraldCli.Success;
    }

    /// <summary>Runs exactly the command CI runs and shows what a developer would see.</summary>
    private async Task<(int ExitCode, string Output)> CheckAsync(string[] files, CancellationToken cancellationToken)
    {
        string[] args = ["schema", "check", .. files, "--mode", "backward"];
        var shown = args.Select(a => Path.IsPathRooted(a) ? Path.GetFileName(a) : a);
        CliOutput.WriteMarkupLine(console.Out, $"[grey]$[/] herald {Markup.Escape(string.Join(' ', shown))}", console.OutIsTerminal);

        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await HeraldCli.RunAsync(args, new CliConsole(TextReader.Null, stdout, stderr), cancellationToken).ConfigureAwait(false);
        var output = stdout.ToString() + stderr;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await console.Out.WriteLineAsync("  " + line.TrimEnd('\r')).ConfigureAwait(false);
        }

        await console.Out.WriteLineAsync($"  (exit {exitCode.ToString(CultureInfo.InvariantCulture)})").ConfigureAwait(false);
        return (exitCode, output);
    }

    private void Heading(string title) =>
        CliOutput.Render(console.Out, new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified(), console.OutIsTerminal);

    private void Step(int number, string text) =>
        CliOutput.WriteMarkupLine(console.Out, $"\n[bold]step {number.ToString(CultureInfo.InvariantCulture)}:[/] {Markup.Escape(text)}", console.OutIsTerminal);

    private void Show(string path, string schema) =>
        CliOutput.Render(console.Out, new Panel(new Text(schema)).Header(Markup.Escape(Path.GetFileName(path))).Border(BoxBorder.Rounded), console.OutIsTerminal);

    private void Verdict(bool expected, string text) =>
        CliOutput.WriteMarkupLine(console.Out, expected ? $"[green]✓[/] {Markup.Escape(text)}" : $"[red]✗[/] {Markup.Escape(text)}", console.OutIsTerminal);
}
