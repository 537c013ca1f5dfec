namespace Herald.Protocol.Records;

/// <summary>Record-level timestamp lookups inside one uncompressed v2 batch, for ListOffsets.</summary>
/// <remarks>
/// Reads only each record's length, timestamp delta and offset delta, skipping keys, values and
/// headers. Compressed batches are not inspected: callers fall back to batch granularity.
/// </remarks>
public static class RecordTimestamps
{
    /// <summary>Finds the first record whose timestamp is at or after <paramref name="timestamp"/>.</summary>
    /// <returns>False if the batch is compressed, malformed, or has no such record.</returns>
    public static bool TryFindFirstAtOrAfter(ReadOnlySpan<byte> batch, long timestamp, out long offset)
    {
        offset = -1;
        if (!TryGetRecords(batch, out var header, out var records))
        {
            return false;
        }

        if (header.TimestampType == TimestampType.LogAppendTime)
        {
            offset = header.BaseOffset;
            return header.MaxTimestamp >= timestamp;
        }

        while (TryReadRecord(ref records, out var timestampDelta, out var offsetDelta))
        {
            if (header.BaseTimestamp + timestampDelta >= timestamp)
            {
                offset = header.BaseOffset + offsetDelta;
                return true;
            }
        }

        return false;
    }

    /// <summary>Finds the first record carrying the batch's largest timestamp.</summary>
    /// <returns>False if the batch is compressed, malformed or empty.</returns>
    public static bool TryFindMaxTimestamp(ReadOnlySpan<byte> batch, out long offset, out long timestamp)
    {
        offset = -1;
        timestamp = -1;
        if (!TryGetRecords(batch, out var header, out var records))
        {
            return false;
        }

        if (header.TimestampType == TimestampType.LogAppendTime)
        {
            offset = header.BaseOffset;
            timestamp = header.MaxTimestamp;
            return true;
        }

        while (TryReadRecord(ref records, out var timestampDelta, out var offsetDelta))
        {
            var recordTimestamp = header.BaseTimestamp + timestampDelta;
            if (recordTimestamp > timestamp)
            {
                timestamp = recordTimestamp;
                offset = header.BaseOffset + offsetDelta;
            }
        }

        return offset >= 0;
    }

    private static bool TryGetRecords(ReadOnlySpan<byte> batch, out RecordBatchHeader header, out ReadOnlySpan<byte> records)
    {
        records = default;
        if (!RecordBatchHeader.TryParse(batch, out header)
            || header.Compression != CompressionType.None
            || header.TotalSize > batch.Length)
        {
            return false;
        }

        records = batch[RecordBatchHeader.Size..header.TotalSize];
        return true;
    }

    private static bool TryReadRecord(ref ReadOnlySpan<byte> records, out long timestampDelta, out long offsetDelta)
    {
        timestampDelta = offsetDelta = 0;
        var position = 0;
        if (!TryReadVarLong(records, ref position, out var length) || length < 1 || length > records.Length - position)
        {
            return false;
        }

        var body = records.Slice(position, (int)length);
        var bodyPosition = 1; // attributes
        if (!TryReadVarLong(body, ref bodyPosition, out timestampDelta) || !TryReadVarLong(body, ref bodyPosition, out offsetDelta))
        {
            return false;
        }

        records = records[(position + (int)length)..];
        return true;
    }

    private static bool TryReadVarLong(ReadOnlySpan<byte> span, ref int position, out long value) => RecordReader.TryReadVarLong(span, ref position, out value);
}
