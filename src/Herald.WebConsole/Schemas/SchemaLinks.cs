using System.Globalization;

namespace Herald.WebConsole.Schemas;

/// <summary>The console's schema URLs.</summary>
internal static class SchemaLinks
{
    /// <summary><c>/schemas/{subject}</c>, the subject escaped (a <c>/</c> in it becomes <c>%2F</c>).</summary>
    public static string Subject(string subject) => "/schemas/" + Uri.EscapeDataString(subject);

    /// <summary>The subject page comparing <paramref name="from"/> with <paramref name="to"/> and showing <paramref name="view"/>'s text.</summary>
    public static string Subject(string subject, int from, int to, int view) =>
        string.Create(CultureInfo.InvariantCulture, $"{Subject(subject)}?from={from}&to={to}&view={view}#schema");

    /// <summary>
    /// The subject a route value names: as given, or with its escapes undone when the value still holds them
    /// (Kestrel leaves <c>%2F</c> escaped in paths).
    /// </summary>
    public static IEnumerable<string> Candidates(string routeValue)
    {
        yield return routeValue;
        if (routeValue.Contains('%', StringComparison.Ordinal))
        {
            var unescaped = Uri.UnescapeDataString(routeValue);
            if (unescaped != routeValue)
            {
                yield return unescaped;
            }
        }
    }
}
