using Herald.Benchmarks.E2e;

namespace Herald.Benchmarks.Metrics;

/// <summary>One produce-then-consume round of the throughput comparison.</summary>
/// <param name="Index">1-based round number (run order).</param>
/// <param name="Scraping">Whether the background scraper ran during the round.</param>
/// <param name="Produce">The produce run.</param>
/// <param name="Consume">The consume run.</param>
/// <param name="Scrapes">The background scrapes' wall times (scrape arm only).</param>
/// <param name="ScrapeFailures">Failed scrapes (must be 0).</param>
/// <param name="BrokerCpu">The broker process's CPU time over produce and consume (null in-process).</param>
/// <param name="RigCpu">The rig process's CPU time over produce and consume: the clients, and the broker too when in-process.</param>
/// <param name="IdleScrapeCpu">The broker's CPU time per warm scrape with no workload running (null in-process).</param>
public sealed record CostRound(
    int Index,
    bool Scraping,
    ThroughputResult Produce,
    ThroughputResult Consume,
    Distribution? Scrapes,
    int ScrapeFailures,
    TimeSpan? BrokerCpu,
    TimeSpan RigCpu,
    TimeSpan? IdleScrapeCpu)
{
    /// <summary>Records moved per second over both runs: 2N / (produce time + consume time).</summary>
    public double CombinedRecordsPerSecond => (Produce.Records + Consume.Records) / (Produce.Seconds + Consume.Seconds);
}

/// <summary>
/// The e2e rig's Herald produce and consume workloads (<see cref="HeraldTarget"/>, unchanged), run in rounds that
/// alternate between no scraping and a background <c>GET /metrics</c> every interval; every round gets a fresh
/// broker, seeded with the lagging topics and groups unless asked not to, so each scrape is the big one, and
/// scraped the same way before the workload in both arms.
/// </summary>
public static class ScrapeCost
{
    /// <summary>The workload topic.</summary>
    private const string Topic = "bench";

    /// <summary>Warm scrapes whose broker CPU time is measured before the workload, with nothing else running.</summary>
    public const int IdleProbeScrapes = 50;

    /// <summary>Runs 2 × <see cref="MetricsOptions.CostRounds"/> rounds: none, scrape, none, scrape, …</summary>
    public static async Task<IReadOnlyList<CostRound>> RunAsync(MetricsOptions options, CancellationToken cancellationToken)
    {
        if (options.Herald == HeraldMode.Process && !options.NoBuild)
        {
            MetricsCommand.Log("building src/Herald.Cli (Release)…");
            await HeraldBuild.BuildAsync(cancellationToken).ConfigureAwait(false);
        }

        var e2e = new E2eOptions { Herald = options.Herald, Peer = PeerKind.None, Records = options.CostRecords, Sizes = [options.CostSize] };
        var rounds = new List<CostRound>();
        for (int i = 0; i < 2 * options.CostRounds; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool scraping = i % 2 == 1;
            string label = $"cost round {i + 1}/{2 * options.CostRounds} ({(scraping ? $"scrape every {options.ScrapeIntervalMs} ms" : "no scrape")})";
            var target = new HeraldTarget(e2e);
            await using (target.ConfigureAwait(false))
            {
                await target.StartAsync(cancellationToken).ConfigureAwait(false);
                if (options.CostSeed)
                {
                    var seeded = await LagSeeder.SeedAsync(target.Bootstrap, options, cancellationToken).ConfigureAwait(false);
                    MetricsCommand.Log($"{label}: seeded ({seeded})");
                }

                await target.CreateStreamAsync(Topic, options.CostPartitions, cancellationToken).ConfigureAwait(false);

                var idleScrapeCpu = await WarmUpAsync(target, options.CostWarmupScrapes, cancellationToken).ConfigureAwait(false);
                var brokerCpu = target.BrokerCpuTime();
                var rigCpu = Environment.CpuUsage.TotalTime;
                var scraper = scraping ? new BackgroundScraper(target.HttpAddress, TimeSpan.FromMilliseconds(options.ScrapeIntervalMs)) : null;
                ThroughputResult produce, consume;
                (Distribution Scrapes, int Failures, string? FirstFailure)? scrapes = null;
                try
                {
                    produce = await target.ProduceAsync(Topic, options.CostRecords, options.CostSize, cancellationToken).ConfigureAwait(false);
                    consume = await target.ConsumeAsync(Topic, options.CostPartitions, options.CostRecords, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (scraper is not null)
                    {
                        scrapes = await scraper.StopAsync().ConfigureAwait(false);
                        await scraper.DisposeAsync().ConfigureAwait(false);
                    }
                }

                var round = new CostRound(
                    i + 1, scraping, produce, consume, scrapes?.Scrapes, scrapes?.Failures ?? 0, target.BrokerCpuTime() - brokerCpu, Environment.CpuUsage.TotalTime - rigCpu, idleScrapeCpu);
                rounds.Add(round);
                MetricsCommand.Log($"{label}: produce {produce.RecordsPerSecond:N0} msg/s ({produce.Errors} errors), consume {consume.RecordsPerSecond:N0} msg/s, broker CPU {round.BrokerCpu?.TotalSeconds:0.00} s, rig CPU {round.RigCpu.TotalSeconds:0.00} s"
                    + (scrapes is { } s ? $", {s.Scrapes.Count} scrapes p50 {s.Scrapes.P50:0.0} ms max {s.Scrapes.Max:0.0} ms, {s.Failures} failed{(s.FirstFailure is null ? "" : $" ({s.FirstFailure})")}" : ""));
            }
        }

        return rounds;
    }

    /// <summary>
    /// Scrapes the same way in both arms before the workload: the first scrapes after start run the render path as
    /// tier-0 code (hundreds of milliseconds for the first, tiered up after 30 calls), a one-off a long-running broker
    /// has long paid. Then measures the broker's CPU time over <see cref="IdleProbeScrapes"/> warm scrapes.
    /// </summary>
    private static async Task<TimeSpan?> WarmUpAsync(HeraldTarget target, int warmup, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = target.HttpAddress };
        var metrics = new Uri("/metrics", UriKind.Relative);
        for (int i = 0; i < warmup; i++)
        {
            _ = await http.GetByteArrayAsync(metrics, cancellationToken).ConfigureAwait(false);
        }

        // Tier-1 code is compiled in the background after the 30th call; give it a moment before measuring.
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        var before = target.BrokerCpuTime();
        for (int i = 0; i < IdleProbeScrapes; i++)
        {
            _ = await http.GetByteArrayAsync(metrics, cancellationToken).ConfigureAwait(false);
        }

        return (target.BrokerCpuTime() - before) / IdleProbeScrapes;
    }
}
