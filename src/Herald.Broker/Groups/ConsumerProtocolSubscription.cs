using System.Buffers.Binary;
using System.Text;

namespace Herald.Broker.Groups;

/// <summary>Reads the topic list out of the consumer protocol's subscription (JoinGroup metadata of protocol type <c>consumer</c>).</summary>
/// <remarks>
/// Layout (ConsumerProtocolSubscription, never flexible): version int16, topics array of int16-prefixed strings,
/// user data bytes, then fields of later versions we do not need.
/// </remarks>
internal static class ConsumerProtocolSubscription
{
    /// <summary>The subscribed topics, or <see langword="null"/> when the metadata cannot be parsed.</summary>
    public static HashSet<string>? TryReadTopics(ReadOnlySpan<byte> metadata)
    {
        try
        {
            if (BinaryPrimitives.ReadInt16BigEndian(metadata) < 0)
            {
                return null;
            }
            int count = BinaryPrimitives.ReadInt32BigEndian(metadata[2..]);
            int position = 6;
            var topics = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                int length = BinaryPrimitives.ReadInt16BigEndian(metadata[position..]);
                position += 2;
                if (length < 0)
                {
                    return null;
                }
                topics.Add(Encoding.UTF8.GetString(metadata.Slice(position, length)));
                position += length;
            }
            return topics;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
