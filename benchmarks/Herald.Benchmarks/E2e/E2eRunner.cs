namespace Herald.Benchmarks.E2e;

/// <summary>
/// Runs the rows: for each value size, Herald once per partition count (the first one also runs the latency
/// test), then the peer. Every row gets a fresh broker and data folder, so its peak RSS is its own.
/// A failing row records its error and the run goes on.
/// </summary>
public sealed class E2eRunner(E2eOptions options)
{
    /// <summary>Runs everything and returns one result per row.</summary>
    public async Task<IReadOnlyList<RowResult>> RunAsync(CancellationToken cancellationToken)
    {
        string? buildError = null;
        if (options.Herald == HeraldMode.Process && !options.NoBuild)
        {
            Log("building src/Herald.Cli (Release)…");
            try
            {
                await HeraldBuild.BuildAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                buildError = e.Message;
                Log(buildError);
            }
        }

        var rows = new List<RowResult>();
        foreach (int size in options.Sizes)
        {
            if (options.Herald != HeraldMode.Skip)
            {
                foreach (int partitions in options.Partitions)
                {
                    var row = new RowResult("Herald", size, partitions == 1 ? "1 partition" : $"{partitions} partitions");
                    rows.Add(row);
                    if (buildError is not null)
                    {
                        row.Error = buildError;
                        continue;
                    }

                    await RunRowAsync(new HeraldTarget(options), row, partitions, latency: partitions == options.Partitions[0], cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            if (options.Peer == PeerKind.Nats)
            {
                var row = new RowResult("NATS JetStream", size, "1 stream, file storage");
                rows.Add(row);
                await RunRowAsync(new NatsTarget(options.NatsServer), row, partitions: 1, latency: true, cancellationToken).ConfigureAwait(false);
            }
        }

        return rows;
    }

    private async Task RunRowAsync(IBenchmarkTarget target, RowResult row, int partitions, bool latency, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string label = $"{target.Name}, {row.Shape}, {row.Size} B";
        await using (target.ConfigureAwait(false))
        {
            try
            {
                Log($"{label}: starting broker");
                await target.StartAsync(cancellationToken).ConfigureAwait(false);
                await target.CreateStreamAsync("bench", partitions, cancellationToken).ConfigureAwait(false);

                Log($"{label}: producing {options.Records:N0} records");
                row.Produce = await target.ProduceAsync("bench", options.Records, row.Size, cancellationToken).ConfigureAwait(false);
                Log($"{label}: produce {row.Produce.RecordsPerSecond:N0} msg/s, {row.Produce.MegabytesPerSecond:N1} MB/s, {row.Produce.Errors} errors{Detail(row.Produce.FirstError)}");

                Log($"{label}: consuming {options.Records:N0} records");
                row.Consume = await target.ConsumeAsync("bench", partitions, options.Records, cancellationToken).ConfigureAwait(false);
                Log($"{label}: consume {row.Consume.RecordsPerSecond:N0} msg/s, {row.Consume.MegabytesPerSecond:N1} MB/s");

                if (latency)
                {
                    var workload = new LatencyWorkload(options.LatencyRate, TimeSpan.FromSeconds(options.LatencySeconds), row.Size, TimeSpan.FromSeconds(1));
                    Log($"{label}: latency at {workload.Rate:N0} msg/s for {options.LatencySeconds} s (+1 s warm-up)");
                    await target.CreateStreamAsync("latency", 1, cancellationToken).ConfigureAwait(false);
                    row.Latency = await target.MeasureLatencyAsync("latency", workload, cancellationToken).ConfigureAwait(false);
                    var p = row.Latency.Percentiles;
                    Log($"{label}: latency p50 {p.P50:0.000} ms, p99 {p.P99:0.000} ms, p99.9 {p.P999:0.000} ms, max {p.Max:0.000} ms ({row.Latency.Received:N0}/{row.Latency.Sent:N0} received, {row.Latency.AchievedRate:N0} msg/s sent)");
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                row.Error = $"{e.GetType().Name}: {FirstLine(e.Message)}";
                Log($"{label}: FAILED {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                row.PeakRssBytes = target.PeakRssBytes();
            }
        }
    }

    private static string Detail(string? error) => error is null ? string.Empty : $" (first: {error})";

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
