using System.Globalization;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Spectre.Console;

namespace Herald.Cli.Schemas;

/// <summary>Runs a compatibility check and prints its verdict: what <c>schema check</c> shows, online or offline.</summary>
internal static class CompatibilityReport
{
    /// <summary>Checks <paramref name="candidate"/> against <paramref name="previous"/> (oldest first) and prints the verdict.</summary>
    /// <returns>0 when compatible.</returns>
    /// <exception cref="CliException">Incompatible: the violations are on stdout already, the exception is the one-line summary (exit 1).</exception>
    public static int Write(
        CliConsole console,
        string file,
        ParsedSchema candidate,
        IReadOnlyList<(string Label, ParsedSchema Schema)> previous,
        CompatibilityLevel level,
        CompatibilityPolicy policy,
        bool json,
        CancellationToken cancellationToken)
    {
        var numbered = previous.Select((p, i) => (i + 1, p.Schema)).ToList();
        var result = new CompatibilityChecker(SchemaFile.Formats).Check(candidate, numbered, level, policy, cancellationToken);
        var violations = result.Violations
            .Select(v => new ViolationReport(previous[v.Version - 1].Label, v.Direction, v.Path, v.Rule, v.Message))
            .ToList();
        var mode = level.ToWireName();
        if (json)
        {
            CliOutput.WriteJson(console.Out, new CheckReport(result.IsCompatible, mode, PolicyName(policy), file, previous.Count, violations));
        }
        else if (result.IsCompatible)
        {
            CliOutput.WriteMarkupLine(console.Out, $"[green]compatible:[/] {Markup.Escape(file)} is {mode} compatible with {previous.Count.ToString(CultureInfo.InvariantCulture)} earlier version(s)", console.OutIsTerminal);
        }
        else
        {
            foreach (var v in violations)
            {
                CliOutput.WriteMarkupLine(console.Out, $"[red]✗[/] {Markup.Escape(v.ToString())}", console.OutIsTerminal);
            }
        }

        return result.IsCompatible
            ? HeraldCli.Success
            : throw new CliException($"{file} is not {mode} compatible: {violations.Count.ToString(CultureInfo.InvariantCulture)} violation(s)");
    }

    /// <summary>What <c>schema check</c> prints for a subject that has no versions yet.</summary>
    public static int WriteNothingToBreak(CliConsole console, string file, string subject, CompatibilityLevel level, CompatibilityPolicy policy, bool json)
    {
        if (json)
        {
            CliOutput.WriteJson(console.Out, new CheckReport(true, level.ToWireName(), PolicyName(policy), file, 0, []));
        }
        else
        {
            CliOutput.WriteMarkupLine(console.Out, $"[green]compatible:[/] subject '{Markup.Escape(subject)}' has no versions yet, so {Markup.Escape(file)} has nothing to break", console.OutIsTerminal);
        }

        return HeraldCli.Success;
    }

    public static string PolicyName(CompatibilityPolicy policy) => policy == CompatibilityPolicy.Lenient ? "LENIENT" : "STRICT";

    /// <summary>The output of <c>schema check --json</c>.</summary>
    /// <param name="Compatible">Whether the file passes.</param>
    /// <param name="Mode">The level checked, e.g. <c>BACKWARD</c>.</param>
    /// <param name="Policy"><c>STRICT</c> or <c>LENIENT</c>.</param>
    /// <param name="File">The candidate schema file.</param>
    /// <param name="Versions">How many earlier versions there were.</param>
    /// <param name="Violations">Every broken rule.</param>
    internal sealed record CheckReport(bool Compatible, string Mode, string Policy, string File, int Versions, IReadOnlyList<ViolationReport> Violations);

    /// <summary>One violation in <c>schema check --json</c>.</summary>
    /// <param name="Version">The earlier version it conflicts with: <c>version 3</c> in a registry, the file name offline.</param>
    /// <param name="Direction"><c>backward</c> or <c>forward</c>.</param>
    /// <param name="Path">Where in the schema.</param>
    /// <param name="Rule">The rule broken, in Confluent's vocabulary.</param>
    /// <param name="Message">What changed and why it breaks.</param>
    internal sealed record ViolationReport(string Version, string Direction, string Path, string Rule, string Message)
    {
        public override string ToString() => $"{Version}, {Direction}: {Path}: {Rule}: {Message}";
    }
}
