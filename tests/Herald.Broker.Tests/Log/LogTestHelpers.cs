using System.Text;
using Herald.Broker.Log;
using Herald.Protocol.Records;

namespace Herald.Broker.Tests.Log;

/// <summary>A unique temporary directory per test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "herald-log-tests", Guid.NewGuid().ToString("N"));
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

internal static class LogTestHelpers
{
    public static byte[] Batch(int records, long timestamp = 1_000, int valueSize = 20, long producerId = -1, short epoch = -1, int sequence = -1)
    {
        var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = sequence };
        for (var i = 0; i < records; i++)
        {
            var value = new byte[valueSize];
            value.AsSpan().Fill((byte)('a' + (i % 26)));
            builder.Add(Encoding.UTF8.GetBytes("k" + i), value, timestamp + i);
        }

        return builder.Build();
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var total = 0;
        foreach (var part in parts)
        {
            total += part.Length;
        }

        var result = new byte[total];
        var position = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, position);
            position += part.Length;
        }

        return result;
    }

    /// <summary>The headers of the batches in <paramref name="records"/>, checking each is whole and its CRC valid.</summary>
    public static List<RecordBatchHeader> Batches(ReadOnlyMemory<byte> records)
    {
        var result = new List<RecordBatchHeader>();
        var span = records.Span;
        while (!span.IsEmpty)
        {
            Assert.True(RecordBatchHeader.TryParse(span, out var header));
            Assert.True(header.TotalSize <= span.Length, "batch is cut short");
            Assert.True(header.IsCrcValid(span[..header.TotalSize]), "batch CRC is invalid");
            result.Add(header);
            span = span[header.TotalSize..];
        }

        return result;
    }

    /// <summary>Reads the whole log from <paramref name="from"/> and returns every batch base offset seen.</summary>
    public static List<RecordBatchHeader> ReadAll(PartitionLog log, long from, int maxBytes = 1 << 20)
    {
        var all = new List<RecordBatchHeader>();
        var offset = from;
        while (offset < log.LogEndOffset)
        {
            using var result = log.Read(offset, maxBytes);
            Assert.Equal(Herald.Protocol.ErrorCode.None, result.Error);
            var batches = Batches(result.Records);
            Assert.NotEmpty(batches);
            all.AddRange(batches);
            offset = batches[^1].LastOffset + 1;
        }

        return all;
    }
}

/// <summary>Collects formatted log messages.</summary>
internal sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
{
    public List<string> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Messages)
        {
            Messages.Add(formatter(state, exception));
        }
    }
}
