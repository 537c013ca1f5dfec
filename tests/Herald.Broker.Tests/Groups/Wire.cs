using Herald.Protocol;

namespace Herald.Broker.Tests.Groups;

/// <summary>Encodes and decodes messages so every test exchange also exercises the codecs.</summary>
internal static class Wire
{
    public static T RoundTrip<T>(T message, short version) where T : IKafkaMessage, new()
    {
        using var writer = new KafkaWriter();
        message.Write(writer, version);
        var reader = new KafkaReader(writer.WrittenMemory.ToArray());
        var copy = new T();
        copy.Read(ref reader, version);
        Assert.Equal(0, reader.Remaining);
        return copy;
    }
}
