using System.Globalization;
using System.Text;

namespace Herald.Server;

/// <summary>Writes families and samples of the Prometheus text format 0.0.4.</summary>
internal readonly struct MetricsText(StringBuilder text)
{
    public void Family(string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                text.Append(labels[i].Name).Append("=\"");
                AppendEscapedLabel(labels[i].Value);
                text.Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Format(value)).Append('\n');
    }

    public override string ToString() => text.ToString();

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    private void AppendEscapedLabel(string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }
    }

    /// <summary>Help text escapes backslash and newline.</summary>
    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
