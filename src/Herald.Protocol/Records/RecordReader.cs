using System.IO.Compression;

namespace Herald.Protocol.Records;

/// <summary>One record of a batch: its offset, key and value (null when the record has none), timestamp and headers.</summary>
public readonly record struct BatchRecord(long Offset, ReadOnlyMemory<byte>? Key, ReadOnlyMemory<byte>? Value)
{
    private readonly IReadOnlyList<RecordHeader>? _headers;

    /// <summary>The record's timestamp, Unix milliseconds: the batch's max timestamp when the batch uses log-append time.</summary>
    public long Timestamp { get; init; }

    /// <summary>The record's headers in order (a key may repeat); empty when it has none.</summary>
    public IReadOnlyList<RecordHeader> Headers
    {
        get => _headers ?? [];
        init => _headers = value;
    }
}

/// <summary>Decodes the records of one v2 batch (uncompressed or gzip), for the broker's own small internal topics.</summary>
/// <remarks>
/// The produce and fetch paths never decode records; this serves readers such as the dead-letter monitor that look at
/// a few audit records, and the console's bounded reads. Snappy, LZ4 and zstd batches are reported as unreadable rather
/// than guessed at.
/// </remarks>
public static class RecordReader
{
    /// <summary>Reads every record of <paramref name="batch"/> (one whole batch); false when compressed with an unsupported codec or malformed.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> batch, List<BatchRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (!RecordBatchHeader.TryParse(batch.Span, out var header) || header.TotalSize > batch.Length)
        {
            return false;
        }

        ReadOnlyMemory<byte> body = batch[RecordBatchHeader.Size..header.TotalSize];
        switch (header.Compression)
        {
            case CompressionType.None:
                break;
            case CompressionType.Gzip:
                using (var input = new GZipStream(new MemoryStream(body.ToArray()), CompressionMode.Decompress))
                using (var output = new MemoryStream())
                {
                    try
                    {
                        input.CopyTo(output);
                    }
                    catch (InvalidDataException)
                    {
                        return false;
                    }

                    body = output.ToArray();
                }

                break;
            default:
                return false;
        }

        var position = 0;
        for (var i = 0; i < header.RecordsCount; i++)
        {
            var span = body.Span;
            if (!TryReadVarLong(span, ref position, out var length) || length < 1 || length > span.Length - position)
            {
                return false;
            }

            var end = position + (int)length;
            position++; // attributes
            if (!TryReadVarLong(span, ref position, out var timestampDelta)
                || !TryReadVarLong(span, ref position, out var offsetDelta)
                || !TryReadBytes(body, ref position, end, out var key)
                || !TryReadBytes(body, ref position, end, out var value)
                || !TryReadHeaders(body, ref position, end, out var headers))
            {
                return false;
            }

            var timestamp = header.TimestampType == TimestampType.LogAppendTime ? header.MaxTimestamp : header.BaseTimestamp + timestampDelta;
            records.Add(new BatchRecord(header.BaseOffset + offsetDelta, key, value) { Timestamp = timestamp, Headers = headers });
            position = end;
        }

        return true;
    }

    private static bool TryReadHeaders(ReadOnlyMemory<byte> body, ref int position, int end, out IReadOnlyList<RecordHeader> headers)
    {
        headers = [];
        if (!TryReadVarLong(body.Span, ref position, out var count) || count < 0 || count > end - position)
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        var list = new RecordHeader[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryReadBytes(body, ref position, end, out var name) || name is not { } keyBytes
                || !TryReadBytes(body, ref position, end, out var value))
            {
                return false;
            }

            list[i] = new RecordHeader(System.Text.Encoding.UTF8.GetString(keyBytes.Span), value?.ToArray());
        }

        headers = list;
        return true;
    }

    private static bool TryReadBytes(ReadOnlyMemory<byte> body, ref int position, int end, out ReadOnlyMemory<byte>? bytes)
    {
        bytes = null;
        if (!TryReadVarLong(body.Span, ref position, out var length) || length > end - position)
        {
            return false;
        }

        if (length >= 0)
        {
            bytes = body.Slice(position, (int)length);
            position += (int)length;
        }

        return true;
    }

    /// <summary>Reads a zig-zag varint (the record format's varint and varlong).</summary>
    internal static bool TryReadVarLong(ReadOnlySpan<byte> span, ref int position, out long value)
    {
        ulong raw = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= span.Length)
            {
                value = 0;
                return false;
            }

            var b = span[position++];
            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                value = (long)(raw >> 1) ^ -(long)(raw & 1);
                return true;
            }
        }

        value = 0;
        return false;
    }
}
