namespace Herald.Broker.Topics;

/// <summary>Kafka's topic naming rules.</summary>
public static class TopicName
{
    /// <summary>The longest legal topic name (Kafka's limit, so partition folder names stay under 255 bytes).</summary>
    public const int MaxLength = 249;

    /// <summary>Returns null when <paramref name="name"/> is a legal topic name, else why it is not.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "topic name is empty";
        }

        if (name is "." or "..")
        {
            return $"topic name '{name}' is not allowed";
        }

        if (name.Length > MaxLength)
        {
            return $"topic name is {name.Length} characters long; the limit is {MaxLength}";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"topic name '{name}' contains '{c}'; only ASCII letters, digits, '.', '_' and '-' are allowed";
            }
        }

        return null;
    }
}
