using System.Text.Json;
using Herald.Contracts;

namespace Herald.Benchmarks.Outbox;

/// <summary>The outbox rig's event: keyed, numbered (the latency run finds each event's commit time by its number), padded to the payload size.</summary>
public sealed record ReadingRecorded([property: PartitionKey] string Key, long Sequence, string Filler);

/// <summary>Makes the events of a run: N keys in turn, every JSON payload the same size.</summary>
internal sealed class ReadingFactory
{
    private readonly int _keys;
    private readonly string _filler;

    /// <param name="keys">Distinct partition keys.</param>
    /// <param name="payloadBytes">Size of each payload as the SDK serializes it (for sequence numbers up to 9,999,999).</param>
    public ReadingFactory(int keys, int payloadBytes)
    {
        _keys = keys;
        var bare = JsonSerializer.SerializeToUtf8Bytes(new ReadingRecorded(Key(keys - 1), 1_000_000, ""), ContractSchema.DefaultSerializerOptions).Length;
        _filler = new string('x', Math.Max(0, payloadBytes - bare));
        PayloadBytes = JsonSerializer.SerializeToUtf8Bytes(Create(1_000_000), ContractSchema.DefaultSerializerOptions).Length;
    }

    /// <summary>The payload size of a seven-digit sequence number (shorter numbers make it a few bytes smaller).</summary>
    public int PayloadBytes { get; }

    public ReadingRecorded Create(long sequence) => new(Key(sequence % _keys), sequence, _filler);

    /// <summary>The sequence number of a payload the consumer received.</summary>
    public static long SequenceOf(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("sequence"u8))
            {
                reader.Read();
                return reader.GetInt64();
            }
        }

        throw new FormatException("no sequence in the payload");
    }

    private static string Key(long index) => "key-" + index.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
}
