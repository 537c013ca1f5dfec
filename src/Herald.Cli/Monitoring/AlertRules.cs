using System.Reflection;
using System.Text.RegularExpressions;

namespace Herald.Cli.Monitoring;

/// <summary>Herald's alert rules and runbooks as shipped in <c>deploy/prometheus/</c> and <c>docs/runbooks/</c>, embedded in the CLI.</summary>
internal static partial class AlertRules
{
    /// <summary>The text of <c>deploy/prometheus/herald-alerts.yml</c>.</summary>
    public static string Shipped => Resource("herald-alerts.yml");

    /// <summary>The text of a runbook, e.g. <c>dead-letters.md</c>.</summary>
    public static string Runbook(string name) => Resource("runbooks." + name);

    /// <summary>
    /// A copy of the shipped rules for a drill: <paramref name="alert"/>'s threshold <paramref name="threshold"/> replaced by
    /// <paramref name="replacement"/> and every <c>for:</c> set to <paramref name="pendingFor"/>; throws if the threshold text is not there.
    /// </summary>
    public static string ForDrill(string rules, string alert, string threshold, string replacement, string pendingFor)
    {
        var lines = rules.Split('\n');
        string? current = null;
        var replaced = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (AlertLine().Match(lines[i]) is { Success: true } match)
            {
                current = match.Groups[1].Value;
            }

            if (current == alert && lines[i].TrimStart().StartsWith("expr:", StringComparison.Ordinal) && lines[i].Contains(threshold, StringComparison.Ordinal))
            {
                lines[i] = lines[i].Replace(threshold, replacement, StringComparison.Ordinal);
                replaced = true;
            }

            lines[i] = ForLine().Replace(lines[i], "${indent}for: " + pendingFor);
        }

        return replaced ? string.Join('\n', lines) : throw new InvalidOperationException($"the shipped rules have no '{threshold}' in {alert}'s expr");
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"resource {name} is not embedded in the CLI");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^\s*-\s*alert:\s*(\S+)")]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"^(?<indent>\s*)for:\s*\S+")]
    private static partial Regex ForLine();
}
