using System.Text;
using Confluent.Kafka;

namespace Herald.Outbox;

/// <summary>
/// One round of the relay: rows read in commit order, produced in that order on one producer, and the broker's answer for
/// each. It outlives a failed wait: the producer keeps its records queued, in order, until the broker answers.
/// </summary>
internal sealed class OutboxBatch
{
    /// <summary>The answer for a row after the first one the producer refused outright: it was never handed over.</summary>
    public static readonly Error NotSent = new(ErrorCode.Local_State, "not produced: an earlier row of the batch was refused");

    private readonly Error?[] _errors;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _outstanding;

    public OutboxBatch(IReadOnlyList<OutboxRecord> rows)
    {
        Rows = rows;
        _errors = new Error?[rows.Count];
    }

    public IReadOnlyList<OutboxRecord> Rows { get; }

    public bool Started { get; private set; }

    /// <summary>Completes when every produced row has its delivery report.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The broker's or client's error for row <paramref name="index"/>; null when it was acknowledged.</summary>
    public Error? ErrorOf(int index) => Volatile.Read(ref _errors[index]);

    /// <summary>Hands every row to <paramref name="producer"/>, stopping at the first one it refuses (so no later row overtakes it).</summary>
    public void Start(IProducer<string?, byte[]> producer)
    {
        Started = true;
        _outstanding = 1;
        var index = 0;
        for (; index < Rows.Count; index++)
        {
            var message = Rows[index].Message;
            var record = new Message<string?, byte[]> { Key = message.Key, Value = Bytes(message.Payload), Headers = Headers(message) };
            var row = index;
            Interlocked.Increment(ref _outstanding);
            try
            {
                producer.Produce(message.Topic, record, report => Report(row, report.Error));
            }
            catch (ProduceException<string?, byte[]> refused)
            {
                Report(row, refused.Error);
                break;
            }
            catch (KafkaException refused)
            {
                Report(row, refused.Error);
                break;
            }
        }

        for (index++; index < Rows.Count; index++)
        {
            _errors[index] = NotSent;
        }

        Done();
    }

    private void Report(int row, Error error)
    {
        if (error.IsError)
        {
            Volatile.Write(ref _errors[row], error);
        }

        Done();
    }

    private void Done()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _completion.TrySetResult();
        }
    }

    private static byte[] Bytes(ReadOnlyMemory<byte> payload) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : payload.ToArray();

    private static Headers Headers(OutboxMessage message)
    {
        var headers = new Headers();
        foreach (var (name, value) in message.Headers)
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }

        return headers;
    }
}
