namespace Herald.Registry.Formats;

/// <summary>A schema that does not parse or does not validate; the message points at the problem.</summary>
/// <remarks>The REST API answers it with HTTP 422 and Confluent's error code 42201.</remarks>
public sealed class InvalidSchemaException : Exception
{
    public InvalidSchemaException(string message)
        : base(message)
    {
    }

    public InvalidSchemaException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
