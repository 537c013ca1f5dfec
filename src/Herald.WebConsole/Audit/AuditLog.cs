using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.Broker;
using Herald.Broker.Monitoring;
using Herald.Protocol;
using Herald.Protocol.Records;
using Microsoft.AspNetCore.Http;

namespace Herald.WebConsole.Audit;

/// <summary>
/// Appends the console's audit records to <c>herald.audit</c>, in process, as one JSON record each — the same topic the
/// CLI audits on, so the Audit page and the broker's dead-letter monitor see every action whoever took it.
/// </summary>
/// <remarks>
/// The topic is created with one partition when it is missing (as the CLI does) and records go to partition 0, so the
/// audit reads in the order actions happened. Appended in process, not through a producer: an audit write cannot be
/// lost between the console and its own broker, and it is on the log before the action's answer is rendered.
/// </remarks>
public sealed class AuditLog(KafkaBroker broker)
{
    /// <summary>The audit topic.</summary>
    public const string Topic = DeadLetterMonitor.AuditTopic;

    /// <summary>Appends <paramref name="record"/> as JSON (snake_case property names) with <paramref name="key"/>; returns its offset on partition 0.</summary>
    /// <exception cref="InvalidOperationException">The broker refused the append; nothing was recorded.</exception>
    public Task<long> AppendAsync(string key, object record)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(record);
        var (error, topic) = broker.Topics.GetOrCreate(Topic, autoCreate: true, defaultPartitions: 1);
        if (topic is null)
        {
            throw new InvalidOperationException($"cannot create the audit topic {Topic}: {error}");
        }

        var value = JsonSerializer.SerializeToUtf8Bytes(record, record.GetType(), ConsoleJson.Options);
        var batch = new RecordBatchBuilder().Add(Encoding.UTF8.GetBytes(key), value, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).Build();
        var result = topic.Partitions[0].Append(batch);
        return result.Error == ErrorCode.None
            ? Task.FromResult(result.BaseOffset)
            : throw new InvalidOperationException($"cannot append to the audit topic {Topic}: {result.ErrorMessage ?? result.Error.ToString()}");
    }

    /// <summary>The JSON value of the audit record at <paramref name="offset"/> on partition 0, or null when there is none (or it is not JSON).</summary>
    public JsonElement? Read(long offset)
    {
        if (offset < 0 || broker.Topics.Find(Topic)?.Partition(0) is not { } log)
        {
            return null;
        }

        using var read = log.Read(offset, 64 * 1024);
        if (read.Error != ErrorCode.None || !RecordBatchHeader.TryParse(read.Records.Span, out var header) || header.TotalSize > read.Records.Length)
        {
            return null;
        }

        var records = new List<BatchRecord>();
        if (header.IsControl || !RecordReader.TryRead(read.Records[..header.TotalSize], records)
            || records.FirstOrDefault(r => r.Offset == offset) is not { Value: { } value })
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(value);
            return json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Who is acting: the authenticated user's name, or <c>console@</c> and the client's address (see <see cref="ConsoleActor"/>).</summary>
    public static string Who(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : ConsoleActor.Of(context);
    }

    /// <summary>Now, as audit records write times: UTC with milliseconds, like the CLI's.</summary>
    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
