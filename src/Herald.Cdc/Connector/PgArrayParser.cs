using System.Text;
using System.Text.Json.Nodes;

namespace Herald.Cdc.Connector;

/// <summary>Parses PostgreSQL's array text output (<c>{1,2,NULL}</c>, <c>{"a b","c\"d"}</c>, <c>{{1,2},{3,4}}</c>).</summary>
/// <remarks>See https://www.postgresql.org/docs/current/arrays.html#ARRAYS-IO: elements are quoted when they contain
/// delimiters, braces, quotes, backslashes or spaces, or spell NULL; an unquoted NULL is a null element.</remarks>
internal static class PgArrayParser
{
    /// <summary>The array as nested JSON arrays, each element converted by <paramref name="element"/>.</summary>
    public static JsonArray Parse(string text, Func<string, JsonNode?> element)
    {
        var position = 0;

        // Arrays with non-default bounds carry a "[1:3]=" prefix.
        if (text.StartsWith('['))
        {
            position = text.IndexOf('=', StringComparison.Ordinal) + 1;
        }

        return ParseArray(text, ref position, element);
    }

    private static JsonArray ParseArray(string text, ref int position, Func<string, JsonNode?> element)
    {
        Expect(text, position, '{');
        position++;
        var array = new JsonArray();
        if (text[position] == '}')
        {
            position++;
            return array;
        }

        while (true)
        {
            if (text[position] == '{')
            {
                array.Add(ParseArray(text, ref position, element));
            }
            else if (text[position] == '"')
            {
                array.Add(element(ReadQuoted(text, ref position)));
            }
            else
            {
                var start = position;
                while (text[position] is not (',' or '}'))
                {
                    position++;
                }

                var raw = text[start..position];
                array.Add(raw == "NULL" ? null : element(raw));
            }

            if (text[position] == '}')
            {
                position++;
                return array;
            }

            Expect(text, position, ',');
            position++;
        }
    }

    private static string ReadQuoted(string text, ref int position)
    {
        var builder = new StringBuilder();
        position++;
        while (text[position] != '"')
        {
            if (text[position] == '\\')
            {
                position++;
            }

            builder.Append(text[position]);
            position++;
        }

        position++;
        return builder.ToString();
    }

    private static void Expect(string text, int position, char expected)
    {
        if (position >= text.Length || text[position] != expected)
        {
            throw new FormatException($"malformed array literal at {position}: expected '{expected}' in {text}");
        }
    }
}
