namespace Herald.Protocol;

/// <summary>A Kafka protocol message that can be read and written in any of its valid versions.</summary>
public interface IKafkaMessage
{
    /// <summary>The API key, or -1 for headers.</summary>
    short ApiKey { get; }

    /// <summary>Reads the message body in <paramref name="version"/>.</summary>
    void Read(ref KafkaReader reader, short version);

    /// <summary>Writes the message body in <paramref name="version"/>.</summary>
    void Write(KafkaWriter writer, short version);
}

/// <summary>A request body.</summary>
public interface IRequestMessage : IKafkaMessage;

/// <summary>A response body.</summary>
public interface IResponseMessage : IKafkaMessage;
