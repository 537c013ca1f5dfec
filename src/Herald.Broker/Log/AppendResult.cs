using Herald.Protocol;

namespace Herald.Broker.Log;

/// <summary>The result of appending record batches to a partition.</summary>
/// <param name="Error">None, or why nothing was appended (CorruptMessage, MessageTooLarge, OutOfOrderSequenceNumber, InvalidProducerEpoch, UnknownProducerId, InvalidRecord, UnsupportedForMessageFormat ...).</param>
/// <param name="BaseOffset">The offset given to the first record; for a duplicate idempotent batch, the offset it was first appended at.</param>
/// <param name="LogStartOffset">The partition's log start offset after the append.</param>
/// <param name="ErrorMessage">A human-readable reason when <paramref name="Error"/> is not None.</param>
/// <param name="RecordsAppended">Records newly written (0 for an error or an acknowledged duplicate).</param>
/// <param name="BytesAppended">Batch bytes newly written.</param>
public readonly record struct AppendResult(ErrorCode Error, long BaseOffset, long LogStartOffset, string? ErrorMessage = null, int RecordsAppended = 0, int BytesAppended = 0);
