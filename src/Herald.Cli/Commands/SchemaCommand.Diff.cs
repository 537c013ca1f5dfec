using System.CommandLine;
using System.Globalization;
using Herald.Cli.Schemas;
using Herald.Registry.Formats;
using Spectre.Console;

namespace Herald.Cli.Commands;

internal sealed partial class SchemaCommand
{
    private Command CreateDiffCommand()
    {
        var oldFile = new Argument<string>("old") { Description = "The earlier schema file" };
        var newFile = new Argument<string>("new") { Description = "The updated schema file" };
        var type = SchemaOptions.Type();
        var policy = SchemaOptions.Policy("JSON Schema content-model policy (default: STRICT)");
        var json = CommonOptions.Json();
        var command = new Command("diff", "List every change between two schema files and whether it is backward-safe, forward-safe, and how risky (informs; check enforces)")
        {
            oldFile, newFile, type, policy, json,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var requestedType = SchemaOptions.GetSchemaType(result, type);
            var updated = SchemaFile.Read(result.GetValue(newFile)!, requestedType);
            var oldPath = result.GetValue(oldFile)!;
            var original = SchemaFile.Read(oldPath, requestedType ?? SchemaFormats.TypeFromExtension(oldPath) ?? updated.Type);
            if (original.Type != updated.Type)
            {
                throw CliException.BadInput(
                    $"cannot diff {original.Path} ({SchemaFormats.ToWireName(original.Type)}) with {updated.Path} ({SchemaFormats.ToWireName(updated.Type)}): the formats differ");
            }

            var contentPolicy = SchemaOptions.GetPolicy(result, policy) ?? CompatibilityPolicy.Strict;
            var changes = Diff(original.Parse(), updated.Parse(), contentPolicy, cancellationToken);
            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, new DiffReport(original.Path, updated.Path, SchemaFormats.ToWireName(updated.Type), CompatibilityReport.PolicyName(contentPolicy), changes));
                return Task.FromResult(HeraldCli.Success);
            }

            if (changes.Count == 0)
            {
                CliOutput.WriteMarkupLine(console.Out, $"no changes between {Markup.Escape(original.Path)} and {Markup.Escape(updated.Path)}", console.OutIsTerminal);
                return Task.FromResult(HeraldCli.Success);
            }

            CliOutput.WriteMarkupLine(
                console.Out,
                $"{Markup.Escape(original.Path)} → {Markup.Escape(updated.Path)}: {changes.Count.ToString(CultureInfo.InvariantCulture)} change(s)",
                console.OutIsTerminal);
            foreach (var change in changes)
            {
                var color = change.Risk switch { "low" => "green", "medium" => "yellow", _ => "red" };
                CliOutput.WriteMarkupLine(
                    console.Out,
                    $"  {Markup.Escape(change.Path)}: [{color}]{change.Consequence}[/] (backward {Mark(change.Backward)}, forward {Mark(change.Forward)}, {change.Risk} risk): "
                    + $"{Markup.Escape(change.Kind)}: {Markup.Escape(change.Message)}",
                    console.OutIsTerminal);
            }

            return Task.FromResult(HeraldCli.Success);
        });
        return command;
    }

    /// <summary>
    /// Pairs the backward verdicts (<c>Diff(old, new)</c>: can the new schema read old data?) with the forward ones
    /// (<c>Diff(new, old)</c>: can old readers read new data?) by path, and names each change's consequence.
    /// </summary>
    /// <remarks>
    /// The vocabulary is the seed's evolution table: adding an optional field is safe (low risk), adding a required
    /// field breaks backward (high), removing a field breaks forward (medium), a rename or type change breaks both (critical).
    /// </remarks>
    internal static List<SchemaChange> Diff(ParsedSchema original, ParsedSchema updated, CompatibilityPolicy policy, CancellationToken cancellationToken)
    {
        var format = SchemaFile.Formats.Get(updated.Type);
        IReadOnlyList<SchemaDifference> backward, forward;
        using (var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // The same budget the registry gives a compatibility check, so a pathological schema cannot hang a CI job.
            budget.CancelAfter(DiffBudget);
            try
            {
                backward = format.Diff(original, updated, policy, budget.Token);
                forward = format.Diff(updated, original, policy, budget.Token);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"the diff did not finish within {DiffBudget.TotalSeconds:0} s; simplify deeply nested $ref/oneOf structures", e);
            }
            catch (Exception e) when (e is Registry.Formats.Json.SchemaTooComplexException or System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                throw new CliException($"the schemas are too complex to diff: {SchemaFile.OneLine(e.Message)}", e);
            }
        }

        var paths = backward.Select(d => d.Path).Concat(forward.Select(d => d.Path)).Distinct(StringComparer.Ordinal);
        var changes = new List<SchemaChange>();
        foreach (var path in paths)
        {
            var back = backward.Where(d => d.Path == path).ToList();
            var forth = forward.Where(d => d.Path == path).ToList();
            var backwardSafe = back.All(d => d.IsCompatible);
            var forwardSafe = forth.All(d => d.IsCompatible);

            // The backward diff describes the change as made (old to new); the forward one only when it is all there is.
            var described = back.Count > 0 ? back : forth;
            var (consequence, risk) = (backwardSafe, forwardSafe) switch
            {
                (true, true) => ("safe", "low"),
                (false, true) => ("breaks backward", "high"),
                (true, false) => ("breaks forward", "medium"),
                (false, false) => ("critical", "critical"),
            };
            changes.Add(new SchemaChange(
                path,
                string.Join(", ", described.Select(d => d.Kind).Distinct(StringComparer.Ordinal)),
                string.Join("; ", described.Select(d => d.Message).Distinct(StringComparer.Ordinal)),
                backwardSafe,
                forwardSafe,
                consequence,
                risk));
        }

        return changes;
    }

    private static readonly TimeSpan DiffBudget = TimeSpan.FromSeconds(10);

    private static string Mark(bool safe) => safe ? "[green]✓[/]" : "[red]✗[/]";

    /// <summary>The output of <c>schema diff --json</c>.</summary>
    internal sealed record DiffReport(string Old, string New, string Type, string Policy, IReadOnlyList<SchemaChange> Changes);

    /// <summary>One change between two schemas.</summary>
    /// <param name="Path">Where: a JSON pointer, an Avro field path or a Protobuf path.</param>
    /// <param name="Kind">The rule(s) it touches, in Confluent's vocabulary.</param>
    /// <param name="Message">What changed.</param>
    /// <param name="Backward">Whether the new schema still reads data written with the old one.</param>
    /// <param name="Forward">Whether readers of the old schema still read data written with the new one.</param>
    /// <param name="Consequence"><c>safe</c>, <c>breaks backward</c>, <c>breaks forward</c> or <c>critical</c>.</param>
    /// <param name="Risk"><c>low</c>, <c>high</c>, <c>medium</c> or <c>critical</c>, as the seed's evolution table rates it.</param>
    internal sealed record SchemaChange(string Path, string Kind, string Message, bool Backward, bool Forward, string Consequence, string Risk);
}
