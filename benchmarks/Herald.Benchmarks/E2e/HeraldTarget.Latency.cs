using System.Diagnostics;
using Confluent.Kafka;

namespace Herald.Benchmarks.E2e;

public sealed partial class HeraldTarget
{
    /// <summary>linger.ms of the latency run's producer: 0, so a record is sent as soon as it is produced.</summary>
    public const double LatencyLingerMs = 0;

    /// <inheritdoc />
    public async Task<LatencyResult> MeasureLatencyAsync(string stream, LatencyWorkload workload, CancellationToken cancellationToken)
    {
        long measured = (long)(workload.Rate * workload.Duration.TotalSeconds);
        long warmup = (long)(workload.Rate * workload.Warmup.TotalSeconds);
        var recorder = new LatencyRecorder((int)measured);
        long received = 0, errors = 0;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // The consumer is assigned to the fresh topic's beginning before anything is sent.
        using var consumer = AssignedConsumer(stream, partitions: 1);
        var reading = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (result?.Message?.Value is not { } value)
                    {
                        continue;
                    }

                    var (isMeasured, ticks) = LatencyPayload.Read(value, Stopwatch.GetTimestamp());
                    if (isMeasured)
                    {
                        recorder.Record(ticks);
                        if (Interlocked.Increment(ref received) == measured)
                        {
                            allReceived.TrySetResult();
                        }
                    }
                }
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        using var producer = new ProducerBuilder<Null, byte[]>(ProducerConfig(LatencyLingerMs)).Build();
        long sendTicks = await Task.Factory.StartNew(
            () => Pacer.Run(
                warmup + measured,
                workload.Rate,
                i =>
                {
                    var value = new byte[workload.Size];
                    LatencyPayload.Stamp(value, measured: i >= warmup);
                    producer.Produce(stream, new Message<Null, byte[]> { Value = value }, r =>
                    {
                        if (r.Error.IsError)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    });
                },
                cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).ConfigureAwait(false);
        producer.Flush(cancellationToken);

        await Task.WhenAny(allReceived.Task, Task.Delay(Stall, cancellationToken)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(reading).ConfigureAwait(false);
        consumer.Close();

        double rate = (warmup + measured) / ((double)sendTicks / Stopwatch.Frequency);
        return new LatencyResult(measured, Interlocked.Read(ref received), Interlocked.Read(ref errors), rate, recorder.Percentiles());
    }
}
