using Herald.Protocol;
using Herald.Protocol.Records;

namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    /// <summary>Validates, de-duplicates, numbers and stores the record batches of one produce request.</summary>
    /// <param name="batches">One or more whole v2 batches. Their baseOffset and partitionLeaderEpoch fields are rewritten in place.</param>
    /// <returns>The base offset of the first batch, or the error for which nothing was appended.</returns>
    /// <remarks>
    /// All or nothing: one bad batch rejects the call. Bytes are stored as received (never
    /// recompressed). An idempotent batch already in the log is acknowledged with its original
    /// offset and not stored again; with several batches in one call (Produce v3+ clients send
    /// one), a duplicate rejects the call with DuplicateSequenceNumber.
    /// </remarks>
    public AppendResult Append(Memory<byte> batches)
    {
        // Validation reads only the caller's buffer, so it runs before the lock.
        var count = Validate(batches.Span, Options, out var error, out var message);
        if (error != ErrorCode.None)
        {
            return new AppendResult(error, -1, LogStartOffset, message);
        }

        AppendResult result;
        var endBefore = 0L;
        lock (_lock)
        {
            ThrowIfDisposed();
            endBefore = _logEndOffset;
            result = count == 1 ? AppendOne(batches.Span) : AppendMany(batches.Span, count);
        }

        if (LogEndOffset != endBefore)
        {
            SignalAppend();
        }

        return result;
    }

    private static int Validate(ReadOnlySpan<byte> span, LogOptions options, out ErrorCode error, out string? message)
    {
        error = ErrorCode.None;
        message = null;
        if (span.IsEmpty)
        {
            return Reject(ErrorCode.InvalidRecord, "no record batches", out error, out message);
        }

        var count = 0;
        while (!span.IsEmpty)
        {
            if (span.Length <= RecordBatchHeader.MagicOffset)
            {
                return Reject(ErrorCode.CorruptMessage, "truncated record batch", out error, out message);
            }

            // Magic sits at the same position in v0/v1 message sets, so old formats are told apart before parsing.
            if (span[RecordBatchHeader.MagicOffset] != 2)
            {
                return Reject(ErrorCode.UnsupportedForMessageFormat, "only record batch v2 (magic 2) is supported", out error, out message);
            }

            if (!RecordBatchHeader.TryParse(span, out var header)
                || header.BatchLength < RecordBatchHeader.MinBatchLength
                || header.BatchLength > span.Length - RecordBatchHeader.LogOverhead)
            {
                return Reject(ErrorCode.CorruptMessage, "record batch length does not match the bytes sent", out error, out message);
            }

            if (header.TotalSize > options.MaxMessageBytes)
            {
                return Reject(ErrorCode.MessageTooLarge, "record batch is larger than max.message.bytes", out error, out message);
            }

            if (header.LastOffsetDelta < 0 || header.RecordsCount != header.LastOffsetDelta + 1)
            {
                return Reject(ErrorCode.InvalidRecord, "recordsCount does not match lastOffsetDelta + 1", out error, out message);
            }

            if (!header.IsCrcValid(span[..header.TotalSize]))
            {
                return Reject(ErrorCode.CorruptMessage, "record batch CRC mismatch", out error, out message);
            }

            span = span[header.TotalSize..];
            count++;
        }

        return count;
    }

    private static int Reject(ErrorCode code, string reason, out ErrorCode error, out string? message)
    {
        error = code;
        message = reason;
        return 0;
    }

    private AppendResult AppendOne(Span<byte> batch)
    {
        RecordBatchHeader.TryParse(batch, out var header);
        var check = _producers.Check(header, out var duplicateOffset);
        if (check != ErrorCode.None)
        {
            return new AppendResult(check, -1, _logStartOffset, SequenceMessage(check));
        }

        if (duplicateOffset >= 0)
        {
            return new AppendResult(ErrorCode.None, duplicateOffset, _logStartOffset);
        }

        var baseOffset = _logEndOffset;
        var next = AssignOffset(batch, baseOffset, out header);
        if (!TryWrite(batch, next))
        {
            return new AppendResult(ErrorCode.KafkaStorageError, -1, _logStartOffset, "the log could not be written");
        }

        // Recorded only after the write: a failed write must not make the retry look like a duplicate.
        _producers.Update(header);
        return new AppendResult(ErrorCode.None, baseOffset, _logStartOffset, null, (int)(next - baseOffset), batch.Length);
    }

    private AppendResult AppendMany(Span<byte> batches, int count)
    {
        var undo = new List<(long ProducerId, ProducerStateTable.ProducerEntry? Entry)>();
        var baseOffset = _logEndOffset;
        var next = baseOffset;
        var rest = batches;
        for (var i = 0; i < count; i++)
        {
            RecordBatchHeader.TryParse(rest, out var header);
            if (header.ProducerId >= 0 && !ContainsProducer(undo, header.ProducerId))
            {
                undo.Add((header.ProducerId, _producers.CopyOf(header.ProducerId)));
            }

            var check = _producers.Check(header, out var duplicateOffset);
            if (check == ErrorCode.None && duplicateOffset >= 0)
            {
                check = ErrorCode.DuplicateSequenceNumber;
            }

            if (check != ErrorCode.None)
            {
                Undo(undo);
                return new AppendResult(check, -1, _logStartOffset, SequenceMessage(check));
            }

            next = AssignOffset(rest, next, out header);
            _producers.Update(header);
            rest = rest[header.TotalSize..];
        }

        if (!TryWrite(batches, next))
        {
            Undo(undo);
            return new AppendResult(ErrorCode.KafkaStorageError, -1, _logStartOffset, "the log could not be written");
        }

        return new AppendResult(ErrorCode.None, baseOffset, _logStartOffset, null, (int)(next - baseOffset), batches.Length);
    }

    private static long AssignOffset(Span<byte> batch, long baseOffset, out RecordBatchHeader header)
    {
        // Neither field is covered by the CRC, so the batch stays valid.
        RecordBatchHeader.WriteBaseOffset(batch, baseOffset);
        RecordBatchHeader.WritePartitionLeaderEpoch(batch, 0);
        RecordBatchHeader.TryParse(batch, out header);
        return header.LastOffset + 1;
    }

    /// <summary>Writes numbered batches to the active segment (rolling first if needed) and publishes the new end.</summary>
    private bool TryWrite(ReadOnlySpan<byte> batches, long nextOffset)
    {
        var options = Options;
        try
        {
            var segment = RollIfNeeded(batches.Length, nextOffset);
            var now = options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            segment.Append(batches, options.IndexIntervalBytes, nextOffset, now);
            Volatile.Write(ref _lastAppendTimeMs, now);
            if (options.Flush == FlushPolicy.EveryAppend)
            {
                segment.FlushLog();
            }
        }
        catch (IOException exception)
        {
            _logger.AppendFailed(Directory, exception);
            return false;
        }

        Volatile.Write(ref _logEndOffset, nextOffset);
        return true;
    }

    private LogSegment RollIfNeeded(int bytes, long nextOffset)
    {
        var segments = _segments;
        var active = segments[^1];
        var limit = Math.Min(Options.SegmentBytes, int.MaxValue);
        if (active.Size == 0
            || (active.Size + bytes <= limit && nextOffset - active.BaseOffset <= int.MaxValue))
        {
            return active;
        }

        active.Seal();
        if (Options.Flush == FlushPolicy.EveryAppend)
        {
            // A closed segment's indexes are trusted on restart, so they must survive a power loss too.
            active.Flush();
        }

        var rolled = LogSegment.Open(Directory, _logEndOffset);
        if (rolled.Size != 0)
        {
            // A leftover file with this name can only be stale data above the recovered end.
            rolled.Truncate(0);
        }

        rolled.OffsetIndex.Clear();
        rolled.TimeIndex.Clear();
        rolled.AppendTimeIndex.Clear();
        rolled.SetEnd(0, _logEndOffset);

        var grown = new LogSegment[segments.Length + 1];
        segments.CopyTo(grown, 0);
        grown[^1] = rolled;
        Volatile.Write(ref _segments, grown);

        // Lets a restart rebuild producer state from this point instead of scanning every segment.
        _producers.Save(ProducerSnapshotPath, _logEndOffset);
        return rolled;
    }

    private static bool ContainsProducer(List<(long ProducerId, ProducerStateTable.ProducerEntry? Entry)> undo, long producerId)
    {
        foreach (var (id, _) in undo)
        {
            if (id == producerId)
            {
                return true;
            }
        }

        return false;
    }

    private void Undo(List<(long ProducerId, ProducerStateTable.ProducerEntry? Entry)> undo)
    {
        foreach (var (producerId, entry) in undo)
        {
            _producers.Restore(producerId, entry);
        }
    }

    private static string SequenceMessage(ErrorCode code) => code switch
    {
        ErrorCode.InvalidProducerEpoch => "producer epoch is older than the current one",
        ErrorCode.OutOfOrderSequenceNumber => "sequence number does not follow the last one appended",
        ErrorCode.DuplicateSequenceNumber => "a batch in a multi-batch append was already appended",
        _ => code.ToString(),
    };
}
