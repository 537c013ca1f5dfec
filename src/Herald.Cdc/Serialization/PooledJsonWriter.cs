using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Herald.Cdc.Serialization;

/// <summary>
/// One <see cref="Utf8JsonWriter"/> over one growable buffer per thread, reset for every record, so serializing a
/// change allocates only the resulting byte array.
/// </summary>
internal static class PooledJsonWriter
{
    // Jackson (Kafka Connect's JsonConverter) writes non-ASCII text as raw UTF-8; the relaxed encoder does the same
    // instead of \uXXXX escapes, which keeps records as small as Debezium's.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static bool t_inUse;

    /// <summary>Runs <paramref name="write"/> against a clean writer and returns the bytes it wrote.</summary>
    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        if (t_inUse)
        {
            // A nested call (a write callback that serializes something else) gets a writer of its own.
            var ownBuffer = new ArrayBufferWriter<byte>(256);
            using var ownWriter = new Utf8JsonWriter(ownBuffer, Options);
            write(ownWriter, state);
            ownWriter.Flush();
            return ownBuffer.WrittenSpan.ToArray();
        }

        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, Options);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        t_inUse = true;
        try
        {
            write(writer, state);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            t_inUse = false;
            // A record that was huge should not pin its buffer to the thread for ever.
            if (buffer.Capacity > 1 << 20)
            {
                t_buffer = null;
                t_writer = null;
            }
        }
    }
}
