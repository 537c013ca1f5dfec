using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Herald.Outbox;

namespace Herald.Benchmarks.Outbox;

/// <summary>Where one relay round's time goes, summed over a drain: µs per row of each phase.</summary>
/// <param name="Database">SQLite or PostgreSQL.</param>
/// <param name="Batch">Rows per round.</param>
/// <param name="Rows">Rows drained.</param>
/// <param name="Read">The store's <c>ReadAsync</c> (query and row mapping, headers parsed).</param>
/// <param name="Produce">Handing every row of the round to the producer (message and headers built, <c>Produce</c> called).</param>
/// <param name="Acknowledged">From the last <c>Produce</c> until the last delivery report.</param>
/// <param name="Complete">The store's <c>CompleteAsync</c> (lease check, cursor move, delete).</param>
/// <param name="Total">The whole drain.</param>
internal sealed record BreakdownRow(string Database, int Batch, long Rows, TimeSpan Read, TimeSpan Produce, TimeSpan Acknowledged, TimeSpan Complete, TimeSpan Total)
{
    public double Us(TimeSpan phase) => phase.TotalMicroseconds / Rows;
}

/// <summary>
/// The relay's round, phase by phase, through the public store API and a producer configured as the relay configures
/// its own (acks=all, idempotent, linger 1 ms): read a batch, produce it, wait for every delivery report, complete it.
/// No lease renewal, breaker or status refresh, so its total is a little below the relay's.
/// </summary>
internal static class RelayBreakdown
{
    public static async Task<BreakdownRow> RunAsync(RelayRig rig, BenchDatabase database, int events, int batch, CancellationToken cancellationToken)
    {
        var topic = await rig.CreateTopicAsync("breakdown").ConfigureAwait(false);
        var sdk = rig.SdkOptions(topic);
        await rig.WriteAsync(database, rig.Outbox(database.Outbox, sdk, relay: null), 0, events, rig.Options.TransactionRows, null, cancellationToken).ConfigureAwait(false);
        var store = database.Outbox;
        var lease = new OutboxLease("breakdown", "rig");
        if (!await store.TryAcquireLeaseAsync(lease, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("could not take the breakdown's lease");
        }

        using var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig
        {
            BootstrapServers = rig.Bootstrap,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 1,
            MessageTimeoutMs = 0,
        }).Build();
        TimeSpan read = default, produce = default, acknowledged = default, complete = default;
        var position = OutboxPosition.Start;
        long drained = 0;
        var total = Stopwatch.StartNew();
        while (drained < events)
        {
            var clock = Stopwatch.StartNew();
            var rows = await store.ReadAsync(position, batch, cancellationToken).ConfigureAwait(false);
            read += clock.Elapsed;
            if (rows.Count == 0)
            {
                throw new InvalidOperationException($"the outbox ran dry after {drained:N0} of {events:N0} rows");
            }

            clock.Restart();
            var outstanding = rows.Count;
            var failed = 0;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var row in rows)
            {
                var headers = new Headers();
                foreach (var (name, value) in row.Message.Headers)
                {
                    headers.Add(name, Encoding.UTF8.GetBytes(value));
                }

                producer.Produce(row.Message.Topic, new Message<string?, byte[]> { Key = row.Message.Key, Value = row.Message.Payload.ToArray(), Headers = headers }, report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref failed);
                    }

                    if (Interlocked.Decrement(ref outstanding) == 0)
                    {
                        done.TrySetResult();
                    }
                });
            }

            produce += clock.Elapsed;
            clock.Restart();
            await done.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            acknowledged += clock.Elapsed;
            if (failed > 0)
            {
                throw new InvalidOperationException($"{failed} rows were refused by the broker");
            }

            clock.Restart();
            position = rows[^1].Position;
            if (!await store.CompleteAsync(lease, position, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("the breakdown lost its lease");
            }

            complete += clock.Elapsed;
            drained += rows.Count;
        }

        return new BreakdownRow(database.Name, batch, drained, read, produce, acknowledged, complete, total.Elapsed);
    }
}
