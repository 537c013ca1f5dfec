using System.Runtime.InteropServices;
using Confluent.Kafka;
using Herald.Benchmarks.E2e;
using Herald.Testing;
using Npgsql;

namespace Herald.Benchmarks.Outbox;

/// <summary>
/// <c>outbox</c>: the transactional outbox and sagas in one run against one broker — relay throughput on SQLite and
/// PostgreSQL against the SDK's direct publish, commit → consumer latency at a fixed rate, and saga steps per second
/// through the Orders sample's three services.
/// </summary>
public static class OutboxCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(OutboxBenchOptions.Usage);
            return 0;
        }

        OutboxBenchOptions options;
        try
        {
            options = OutboxBenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(OutboxBenchOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // As in e2e: the first signal stops the run (which stops its children), a second one kills them here.
            if (!cancel.IsCancellationRequested)
            {
                context.Cancel = true;
                cancel.Cancel();
                return;
            }

            ChildProcess.KillAll();
            Scratch.DeleteAll();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            var markdown = await RunPartsAsync(options, cancel.Token).ConfigureAwait(false);
            Console.WriteLine();
            Console.WriteLine(markdown);
            if (options.Out is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, markdown, CancellationToken.None).ConfigureAwait(false);
                Log($"wrote {path}");
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            ChildProcess.KillAll();
            Scratch.DeleteAll();
        }
    }

    /// <summary>A progress line on stderr.</summary>
    internal static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");

    private static async Task<string> RunPartsAsync(OutboxBenchOptions options, CancellationToken cancellationToken)
    {
        var needsCli = options.Herald == HeraldMode.Process || options.RunSagas;
        if (needsCli && !options.NoBuild)
        {
            Log("building src/Herald.Cli in Release");
            await HeraldBuild.BuildAsync(cancellationToken).ConfigureAwait(false);
        }

        var scratch = Scratch.CreateDirectory("herald-outbox-bench-");
        var usesPostgres = ((options.RunThroughput || options.RunLatency) && options.Databases.Contains(BenchDatabaseKind.PostgreSql))
            || (options.RunSagas && options.PaymentsPostgres);
        var cluster = !usesPostgres ? null
            : options.PostgresSettings.Count > 0 ? await PostgresCluster.StartAsync([.. options.PostgresSettings]).ConfigureAwait(false)
            : await PostgresCluster.Shared.ConfigureAwait(false);
        await using var ownCluster = options.PostgresSettings.Count > 0 ? cluster : null;
        Task<PostgresCluster> Cluster() => Task.FromResult(cluster ?? throw new InvalidOperationException("PostgreSQL was not started"));

        await using var broker = options.Herald == HeraldMode.Process
            ? await HeraldHost.StartProcessAsync(Path.Combine(scratch, "broker"), cancellationToken).ConfigureAwait(false)
            : await HeraldHost.StartInProcessAsync(Path.Combine(scratch, "broker"), cancellationToken).ConfigureAwait(false);
        var readings = new ReadingFactory(options.Keys, options.PayloadBytes);
        var rig = new RelayRig(broker.Bootstrap, options, readings);
        var environment = await DescribeAsync(options, cluster, readings).ConfigureAwait(false);
        Log(environment);

        var loads = new List<string>();
        var throughput = new List<ThroughputRow>();
        var latency = new List<LatencyRow>();
        var breakdown = new List<BreakdownRow>();
        Task<BenchDatabase> NewDatabase(BenchDatabaseKind kind, CancellationToken token) => BenchDatabase.CreateAsync(kind, scratch, Cluster, token);
        if (options.RunThroughput)
        {
            foreach (var kind in options.Databases)
            {
                loads.Add($"throughput {kind}: {LoadAverage()}");
                throughput.AddRange(await RelayThroughput.RunAsync(rig, token => NewDatabase(kind, token), cancellationToken).ConfigureAwait(false));
                foreach (var batch in options.BreakdownBatches)
                {
                    await using var database = await NewDatabase(kind, cancellationToken).ConfigureAwait(false);
                    var row = await RelayBreakdown.RunAsync(rig, database, options.Events, batch, cancellationToken).ConfigureAwait(false);
                    breakdown.Add(row);
                    Log($"{row.Database}: breakdown at batch {batch}: {row.Rows / row.Total.TotalSeconds:N0} rows/s; µs/row read {row.Us(row.Read):0.0}, produce {row.Us(row.Produce):0.0}, acknowledged {row.Us(row.Acknowledged):0.0}, complete {row.Us(row.Complete):0.0}");
                }
            }
        }

        if (options.RunLatency)
        {
            foreach (var kind in options.Databases)
            {
                loads.Add($"latency {kind}: {LoadAverage()}");
                await using var database = await NewDatabase(kind, cancellationToken).ConfigureAwait(false);
                var serverLog = kind == BenchDatabaseKind.PostgreSql && options.PostgresSettings.Count > 0 ? await PostgresLog.OpenAsync(cluster!).ConfigureAwait(false) : null;
                var row = await RelayLatency.RunAsync(rig, database, cancellationToken).ConfigureAwait(false);
                serverLog?.LogNewLines();
                latency.Add(row);
                Log($"{row.Database}: latency at {row.Rate:N0}/s over {row.Events:N0} events: p50 {LatencyRow.At(row.ToConsumer, 0.5):0.0} ms, p99 {LatencyRow.At(row.ToConsumer, 0.99):0.0} ms, max {row.ToConsumer[^1]:0.0} ms");
            }
        }

        SagaResult? sagas = null;
        if (options.RunSagas)
        {
            loads.Add($"sagas: {LoadAverage()}");
            sagas = await SagaThroughput.RunAsync(
                broker.Bootstrap,
                options,
                scratch,
                async () => BenchDatabase.SynchronousCommit(await (await Cluster().ConfigureAwait(false)).CreateDatabaseAsync("bench_payments").ConfigureAwait(false)),
                cancellationToken).ConfigureAwait(false);
        }

        loads.Add($"end: {LoadAverage()}");
        return OutboxBenchReport.Markdown(options, new OutboxBenchResults(environment, throughput, breakdown, latency, sagas, loads));
    }

    private static async Task<string> DescribeAsync(OutboxBenchOptions options, PostgresCluster? cluster, ReadingFactory readings)
    {
        var postgres = "";
        if (cluster is not null)
        {
            await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString("postgres"));
            await using var command = dataSource.CreateCommand("SELECT current_setting('server_version') || ' (private cluster: fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ' for the cluster, on for the rig''s sessions)'");
            postgres = $"; PostgreSQL {(string)(await command.ExecuteScalarAsync().ConfigureAwait(false))!}";
        }

        var broker = options.Herald == HeraldMode.Process ? "`herald serve` (Release) in its own process" : "in the rig's process";
        var batch = options.RelayBatch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "500 (default)";
        return $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + $"Confluent.Kafka {typeof(Library).Assembly.GetName().Version} (librdkafka {Library.VersionString}); broker {broker}; "
            + $"SQLite WAL, synchronous=NORMAL{postgres}. Events: `{nameof(ReadingRecorded)}`, JSON payload {readings.PayloadBytes} B + the SDK envelope headers, "
            + $"{options.Keys:N0} keys; relay BatchSize {batch}, producer acks=all, idempotent, linger 1 ms; EventPublisher acks=all, idempotent, linger 5 ms.";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
