using System.Text.RegularExpressions;

namespace Herald.Server.Tests.Deploy;

/// <summary>Just enough PromQL reading to list an expression's metric names and range selectors.</summary>
internal static partial class Promql
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    };

    /// <summary>The metric names an expression selects: identifiers that are not functions, keywords, labels or strings.</summary>
    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = StringLiteral().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = RangeSelector().Replace(text, " ");
        text = GroupingLabels().Replace(text, " ");
        return Identifier().Matches(text)
            .Select(match => match.Value)
            .Where(name => !Keywords.Contains(name.ToLowerInvariant()))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The contents of every range selector, e.g. <c>$__rate_interval</c> for <c>[$__rate_interval]</c>.</summary>
    public static IReadOnlyList<string> Ranges(string expression) =>
        RangeSelector().Matches(StringLiteral().Replace(expression, " ")).Select(match => match.Groups[1].Value).ToList();

    /// <summary>The argument text of every call of <paramref name="function"/>, with its parentheses balanced.</summary>
    public static IReadOnlyList<string> Calls(string expression, string function)
    {
        var calls = new List<string>();
        foreach (Match match in Regex.Matches(expression, $@"(?<![\w:]){Regex.Escape(function)}\s*\("))
        {
            var depth = 1;
            var start = match.Index + match.Length;
            var index = start;
            for (; index < expression.Length && depth > 0; index++)
            {
                depth += expression[index] switch { '(' => 1, ')' => -1, _ => 0 };
            }

            calls.Add(expression[start..(index - 1)]);
        }

        return calls;
    }

    /// <summary>The expression as Prometheus would get it from Grafana: ranges of 1m, variables matching everything.</summary>
    public static string WithGrafanaVariablesReplaced(string expression) =>
        GrafanaVariable().Replace(expression.Replace("$__rate_interval", "1m", StringComparison.Ordinal), ".*");

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[([^\]]*)\]")]
    private static partial Regex RangeSelector();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex GroupingLabels();

    // Not preceded by a name character, a dot or a digit (so no part of 0.99 or 5m), not followed by "(" (a function).
    [GeneratedRegex(@"(?<![\w:.$])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w:]|\s*\()")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex GrafanaVariable();
}
