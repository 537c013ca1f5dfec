using System.Diagnostics;
using Confluent.Kafka;

namespace Herald.Benchmarks.E2e;

public sealed partial class HeraldTarget
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public async Task<ThroughputResult> ProduceAsync(string stream, int records, int size, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(ProducerConfig()).Build();
        var message = new Message<Null, byte[]> { Value = Payload.Create(size) };
        long completed = 0, errors = 0, lastDelivery = 0;
        string? firstError = null;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnDelivery(DeliveryReport<Null, byte[]> report)
        {
            if (report.Error.IsError && Interlocked.Increment(ref errors) == 1)
            {
                firstError = report.Error.ToString();
            }

            if (Interlocked.Increment(ref completed) == records)
            {
                lastDelivery = Stopwatch.GetTimestamp();
                done.TrySetResult();
            }
        }

        long start = Stopwatch.GetTimestamp();
        var sending = Task.Run(
            () =>
            {
                for (int i = 0; i < records; i++)
                {
                    while (true)
                    {
                        try
                        {
                            producer.Produce(stream, message, OnDelivery);
                            break;
                        }
                        catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                        {
                            // librdkafka's local queue is full: wait for deliveries (not a per-message sleep).
                            cancellationToken.ThrowIfCancellationRequested();
                            Thread.Sleep(1);
                        }
                    }
                }
            },
            cancellationToken);
        await Watchdog.WaitAsync(Task.WhenAll(sending, done.Task), () => Interlocked.Read(ref completed), Stall, "Herald produce", cancellationToken)
            .ConfigureAwait(false);
        return new ThroughputResult(records, (long)records * size, lastDelivery - start, errors, firstError);
    }

    /// <inheritdoc />
    public async Task<ThroughputResult> ConsumeAsync(string stream, int partitions, int records, CancellationToken cancellationToken)
    {
        using var consumer = AssignedConsumer(stream, partitions);
        long received = 0, bytes = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long start = Stopwatch.GetTimestamp();
        var reading = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (result?.Message is { } message)
                    {
                        bytes += message.Value?.Length ?? 0;
                        if (Interlocked.Increment(ref received) == records)
                        {
                            break;
                        }
                    }
                }

                return Stopwatch.GetTimestamp();
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        try
        {
            await Watchdog.WaitAsync(reading, () => Interlocked.Read(ref received), Stall, "Herald consume", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(reading).ConfigureAwait(false);
        }

        long end = await reading.ConfigureAwait(false);
        consumer.Close();
        return new ThroughputResult(received, bytes, end - start, 0, null);
    }
}
