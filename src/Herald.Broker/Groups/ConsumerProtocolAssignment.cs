using System.Buffers.Binary;
using System.Text;

namespace Herald.Broker.Groups;

/// <summary>Reads the partitions out of the consumer protocol's assignment (SyncGroup assignment of protocol type <c>consumer</c>).</summary>
/// <remarks>Layout (ConsumerProtocolAssignment, never flexible): version int16, array of (topic int16-prefixed string, int32 array of partitions), user data.</remarks>
internal static class ConsumerProtocolAssignment
{
    /// <summary>The assigned (topic, partition) pairs, or an empty list when the assignment is empty or not the consumer protocol's.</summary>
    public static List<(string Topic, int Partition)> ReadPartitions(ReadOnlySpan<byte> assignment)
    {
        var result = new List<(string, int)>();
        try
        {
            if (assignment.Length < 6 || BinaryPrimitives.ReadInt16BigEndian(assignment) < 0)
            {
                return result;
            }

            int topics = BinaryPrimitives.ReadInt32BigEndian(assignment[2..]);
            int position = 6;
            for (int i = 0; i < topics; i++)
            {
                int length = BinaryPrimitives.ReadInt16BigEndian(assignment[position..]);
                position += 2;
                var topic = Encoding.UTF8.GetString(assignment.Slice(position, length));
                position += length;
                int partitions = BinaryPrimitives.ReadInt32BigEndian(assignment[position..]);
                position += 4;
                for (int p = 0; p < partitions; p++)
                {
                    result.Add((topic, BinaryPrimitives.ReadInt32BigEndian(assignment[position..])));
                    position += 4;
                }
            }

            return result;
        }
        catch (ArgumentOutOfRangeException)
        {
            return [];
        }
    }
}
