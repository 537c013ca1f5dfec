using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Confluent.Kafka;
using Herald.Broker;
using Herald.DeadLetters;
using Herald.WebConsole.Kafka;

namespace Herald.WebConsole.Audit;

/// <summary>Appends the console's audit records to <c>herald.audit</c>, the topic the CLI writes to, in the same JSON.</summary>
internal sealed class AuditLog(KafkaBroker broker, ConsoleProducer producer)
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Appends <paramref name="record"/> as JSON (its own property names, e.g. <see cref="DeadLetterAudit"/>'s) keyed by
    /// <paramref name="key"/>, once every replica has it; creates the topic (one partition, as the CLI does) when missing.
    /// </summary>
    /// <returns>Where the record landed: <c>herald.audit:partition:offset</c>.</returns>
    public async Task<TopicPartitionOffset> AppendAsync(string key, object record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(record);
        if (broker.Topics.Find(DeadLetterHeaders.AuditTopic) is null)
        {
            broker.Topics.Create(DeadLetterHeaders.AuditTopic, 1, new Dictionary<string, string>());
        }

        var value = JsonSerializer.SerializeToUtf8Bytes(record, record.GetType(), Options);
        var report = await producer.Producer.ProduceAsync(
            DeadLetterHeaders.AuditTopic,
            new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value },
            cancellationToken).ConfigureAwait(false);
        return report.TopicPartitionOffset;
    }
}
