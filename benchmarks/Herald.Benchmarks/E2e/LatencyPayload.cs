using System.Buffers.Binary;
using System.Diagnostics;

namespace Herald.Benchmarks.E2e;

/// <summary>
/// The latency run's value layout: bytes 0–7 the send time (<see cref="Stopwatch.GetTimestamp"/>, little endian),
/// byte 8 is 1 for a measured message and 0 for warm-up, the rest filler up to the value size.
/// </summary>
public static class LatencyPayload
{
    /// <summary>The smallest value that holds the header.</summary>
    public const int MinimumSize = 16;

    /// <summary>Stamps <paramref name="value"/> with the current time.</summary>
    public static void Stamp(Span<byte> value, bool measured)
    {
        value[8] = measured ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(value, Stopwatch.GetTimestamp());
    }

    /// <summary>Reads a received value: whether it is measured and its receive − send in ticks.</summary>
    public static (bool Measured, long LatencyTicks) Read(ReadOnlySpan<byte> value, long receivedAt) =>
        value.Length < MinimumSize ? (false, 0) : (value[8] == 1, receivedAt - BinaryPrimitives.ReadInt64LittleEndian(value));
}
