using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Herald.Server;

/// <summary>Writes families and samples of the Prometheus text format 0.0.4 as UTF-8 straight into a buffer writer.</summary>
/// <remarks>
/// A scrape of a large broker is hundreds of kilobytes: building it as one string cost a large-object allocation, a
/// copy and a UTF-8 conversion per scrape (and the gen-2 collections they drive), so samples are formatted in place.
/// </remarks>
internal readonly struct MetricsText(IBufferWriter<byte> output)
{
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create("\\\"\n");

    public void Family(string name, string type, string help)
    {
        Write("# HELP ");
        Write(name);
        Write(" ");
        Write(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
        Write("\n# TYPE ");
        Write(name);
        Write(" ");
        Write(type);
        Write("\n");
    }

    /// <summary>An integer sample (offsets, counts): formatted without going through floating point.</summary>
    public void Sample(string name, long value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        WriteSeries(name, labels);
        var span = output.GetSpan(24);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
        Write("\n");
    }

    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        WriteSeries(name, labels);
        if (double.IsPositiveInfinity(value))
        {
            Write("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            Write("-Inf");
        }
        else if (double.IsNaN(value))
        {
            Write("NaN");
        }
        else
        {
            var span = output.GetSpan(32);
            value.TryFormat(span, out var written, "R", System.Globalization.CultureInfo.InvariantCulture);
            output.Advance(written);
        }

        Write("\n");
    }

    private void WriteSeries(string name, ReadOnlySpan<(string Name, string Value)> labels)
    {
        Write(name);
        if (labels.Length == 0)
        {
            Write(" ");
            return;
        }

        Write("{");
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                Write(",");
            }

            Write(labels[i].Name);
            Write("=\"");
            WriteLabelValue(labels[i].Value);
            Write("\"");
        }

        Write("} ");
    }

    /// <summary>Label values escape backslash, double quote and newline; most need none, so the check comes first.</summary>
    private void WriteLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny(NeedsEscape) < 0)
        {
            Write(value);
            return;
        }

        Write(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
    }

    private void Write(string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }
}
