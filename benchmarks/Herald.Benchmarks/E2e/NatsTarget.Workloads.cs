using System.Diagnostics;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Herald.Benchmarks.E2e;

public sealed partial class NatsTarget
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public async Task<ThroughputResult> ProduceAsync(string stream, int records, int size, CancellationToken cancellationToken)
    {
        var subject = Subject(stream);
        var payload = Payload.Create(size);
        var window = new ValueTask<PubAckResponse>[PublishWindow];
        long errors = 0;
        string? firstError = null;
        long start = Stopwatch.GetTimestamp();
        for (int sent = 0; sent < records;)
        {
            int batch = Math.Min(PublishWindow, records - sent);
            for (int i = 0; i < batch; i++)
            {
                window[i] = Js.PublishAsync(subject, payload, cancellationToken: cancellationToken);
            }

            for (int i = 0; i < batch; i++)
            {
                try
                {
                    (await window[i].ConfigureAwait(false)).EnsureSuccess();
                }
                catch (NatsJSException e)
                {
                    errors++;
                    firstError ??= e.Message;
                }
            }

            sent += batch;
        }

        long elapsed = Stopwatch.GetTimestamp() - start;
        return new ThroughputResult(records, (long)records * size, elapsed, errors, firstError);
    }

    /// <inheritdoc />
    public async Task<ThroughputResult> ConsumeAsync(string stream, int partitions, int records, CancellationToken cancellationToken)
    {
        var consumer = await Js.CreateOrderedConsumerAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        long received = 0;
        long bytes = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long start = Stopwatch.GetTimestamp();
        var reading = Task.Run(
            async () =>
            {
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: stop.Token).ConfigureAwait(false))
                {
                    bytes += msg.Data?.Length ?? 0;
                    if (Interlocked.Increment(ref received) == records)
                    {
                        return Stopwatch.GetTimestamp();
                    }
                }

                return Stopwatch.GetTimestamp();
            },
            stop.Token);
        try
        {
            await Watchdog.WaitAsync(reading, () => Interlocked.Read(ref received), Stall, "NATS consume", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        return new ThroughputResult(received, bytes, await reading.ConfigureAwait(false) - start, 0, null);
    }

    /// <inheritdoc />
    public async Task<LatencyResult> MeasureLatencyAsync(string stream, LatencyWorkload workload, CancellationToken cancellationToken)
    {
        var subject = Subject(stream);
        var consumer = await Js.CreateOrderedConsumerAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        long measured = (long)(workload.Rate * workload.Duration.TotalSeconds);
        long warmup = (long)(workload.Rate * workload.Warmup.TotalSeconds);
        var recorder = new LatencyRecorder((int)measured);
        long received = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(
            async () =>
            {
                await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: stop.Token).ConfigureAwait(false))
                {
                    var (isMeasured, ticks) = LatencyPayload.Read(msg.Data, Stopwatch.GetTimestamp());
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
            stop.Token);

        var acks = new List<Task<PubAckResponse>>((int)(measured + warmup));
        long sendTicks = await Task.Run(
            () => Pacer.Run(
                warmup + measured,
                workload.Rate,
                i =>
                {
                    var value = new byte[workload.Size];
                    LatencyPayload.Stamp(value, measured: i >= warmup);
                    acks.Add(Js.PublishAsync(subject, value, cancellationToken: stop.Token).AsTask());
                },
                cancellationToken),
            cancellationToken).ConfigureAwait(false);

        long errors = 0;
        foreach (var ack in acks)
        {
            try
            {
                (await ack.ConfigureAwait(false)).EnsureSuccess();
            }
            catch (NatsJSException)
            {
                errors++;
            }
        }

        await Task.WhenAny(allReceived.Task, Task.Delay(Stall, cancellationToken)).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await reading.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        double rate = (warmup + measured) / ((double)sendTicks / Stopwatch.Frequency);
        return new LatencyResult(measured, Interlocked.Read(ref received), errors, rate, recorder.Percentiles());
    }
}
