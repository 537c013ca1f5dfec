namespace Herald.Registry.Formats.Protobuf;

/// <summary>Rejects absurdly deep nesting before the recursive parser sees it: a stack overflow would take the process down.</summary>
internal static class ProtobufNestingGuard
{
    /// <summary>Far beyond any real schema (messages, oneofs and aggregate option values all count).</summary>
    public const int MaxDepth = 100;

    public static void Check(string text, string what)
    {
        var depth = 0;
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '/' when i + 1 < text.Length && text[i + 1] == '*':
                    for (i += 2; i < text.Length && !(text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/'); i++)
                    {
                        line += text[i] == '\n' ? 1 : 0;
                    }

                    i++;
                    break;
                case '"' or '\'':
                    for (i++; i < text.Length && text[i] != c && text[i] != '\n'; i++)
                    {
                        i += text[i] == '\\' ? 1 : 0;
                    }

                    break;
                case '{' or '<' or '[' or '(':
                    if (++depth > MaxDepth)
                    {
                        throw new InvalidSchemaException($"Invalid Protobuf schema: {what} nests deeper than {MaxDepth} levels at line {line}.");
                    }

                    break;
                case '}' or '>' or ']' or ')':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }
    }
}
