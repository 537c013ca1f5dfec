using System.Text.RegularExpressions;

namespace Herald.Storage;

/// <summary>The one rule for the table prefixes of the inbox, outbox and saga stores, which go into SQL unquoted.</summary>
internal static partial class TablePrefix
{
    /// <summary>Returns <paramref name="value"/> when it is letters, digits and underscores with at most one dot (a PostgreSQL schema).</summary>
    /// <exception cref="ArgumentException">Anything else: it would be spliced into SQL.</exception>
    public static string Validate(string value, string parameterName) =>
        value is not null && Identifier().IsMatch(value)
            ? value
            : throw new ArgumentException($"'{value}' is not a table prefix: use letters, digits, underscores and at most one dot", parameterName);

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
