namespace Herald.Protocol;

/// <summary>A frame that does not follow the Kafka wire format.</summary>
/// <remarks>The broker answers it by closing the offending connection; other clients are unaffected.</remarks>
public sealed class KafkaProtocolException : Exception
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    public KafkaProtocolException(string message)
        : base(message)
    {
    }

    internal static KafkaProtocolException Truncated(int wanted, int remaining) =>
        new($"frame truncated: needed {wanted} bytes, {remaining} left");
}
