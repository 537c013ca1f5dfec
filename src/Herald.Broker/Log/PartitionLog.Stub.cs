// TEMPORARY stub so the broker compiles until the real log lands. Delete on merge.
using Herald.Protocol;

namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    public static PartitionLog Open(string directory, LogOptions options) => throw new NotImplementedException();
    public string Directory => throw new NotImplementedException();
    public LogOptions Options { get; set; } = new();
    public long LogStartOffset => throw new NotImplementedException();
    public long LogEndOffset => throw new NotImplementedException();
    public long SizeInBytes => throw new NotImplementedException();
    public AppendResult Append(Memory<byte> batches) => throw new NotImplementedException();
    public LogReadResult Read(long offset, int maxBytes) => throw new NotImplementedException();
    public long FindOffsetForTimestamp(long timestamp) => throw new NotImplementedException();
    public (long Offset, long Timestamp) FindMaxTimestamp() => throw new NotImplementedException();
    public ValueTask WaitForAppendAsync(long offset, CancellationToken cancellationToken) => throw new NotImplementedException();
    public void Flush() => throw new NotImplementedException();
    public int ApplyRetention(long nowUnixMs) => throw new NotImplementedException();
    public void DeleteRecordsBefore(long offset) => throw new NotImplementedException();
    public void DeleteFiles() => throw new NotImplementedException();
    public void Dispose() => throw new NotImplementedException();
}
