using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Herald.Cdc.Tests.Capture;

/// <summary>`herald cdc run` as a real process, killed with SIGKILL mid-stream and restarted: nothing committed is lost.</summary>
public sealed class KillNineTests
{
    private const int Keys = 10;

    /// <summary>Rows of the one large transaction the process is killed in the middle of: the producer sends a few
    /// thousand per batch, so the kill lands many batches before the end.</summary>
    private const int BulkRows = 50_000;

    [Fact]
    public async Task Every_committed_change_arrives_at_least_once_in_commit_order_per_key()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE counters (k int PRIMARY KEY, v int NOT NULL); CREATE TABLE bulk (id int PRIMARY KEY)");
        var broker = await Herald.Testing.TestBroker.Shared;
        long Sent(string table) => broker.Broker.Topics.FindPartition(context.Topic(table), 0)?.LogEndOffset ?? 0;
        var child = await StartAsync(context);

        // One transaction per change; v counts up per key, so commit order per key is v order.
        using var stopWriting = new CancellationTokenSource();
        var committed = 0;
        var writer = Task.Run(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(context.ConnectionString);
            await connection.OpenAsync();
            for (var n = 0; !stopWriting.IsCancellationRequested || n < 3000; n++)
            {
                if (n >= 6000)
                {
                    break;
                }

                await using var command = new Npgsql.NpgsqlCommand($"INSERT INTO counters VALUES ({n % Keys}, {n / Keys}) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v", connection);
                await command.ExecuteNonQueryAsync();
                Volatile.Write(ref committed, n + 1);
            }
        });

        try
        {
            // Kill once the connector confirmed part of the stream and is in the middle of sending one large
            // transaction: some of its rows are out, the rest (and the counters committed meanwhile) are not.
            var start = await context.ConfirmedFlushLsnAsync();
            await CaptureContext.EventuallyAsync(async () => await context.ConfirmedFlushLsnAsync() > start && Volatile.Read(ref committed) > 500, "the connector to confirm some changes");
            var bulkCommit = await context.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>(
                $"BEGIN; INSERT INTO bulk SELECT g FROM generate_series(1, {BulkRows}) g; SELECT pg_current_wal_insert_lsn(); COMMIT");
            await CaptureContext.EventuallyAsync(() => Task.FromResult(Sent("bulk") > 0), "the connector to start sending the large transaction", pollMs: 1);
            child.Kill();
            await child.WaitForExitAsync();

            // The claim is only tested if the kill caught changes unsent: the transaction was cut part-way and the
            // slot was not confirmed past it.
            var sentBeforeDeath = Sent("bulk");
            Assert.True(sentBeforeDeath < BulkRows, $"the connector had sent all {BulkRows} rows of the transaction before it was killed: nothing was in flight");
            var confirmedAtDeath = await context.ConfirmedFlushLsnAsync();
            Assert.True(confirmedAtDeath < (ulong)bulkCommit, $"the slot was confirmed at {confirmedAtDeath}, past the unsent transaction ({bulkCommit})");

            await CaptureContext.EventuallyAsync(async () => !await context.ScalarAsync<bool>($"SELECT active FROM pg_replication_slots WHERE slot_name = '{context.Slot}'"), "the server to release the slot");
            child = await StartAsync(context);
            await stopWriting.CancelAsync();
            await writer;

            var total = Volatile.Read(ref committed);
            var seen = new HashSet<long>();
            var records = context.ConsumeUntil(context.Topic("counters"), r =>
            {
                if (r.Count > 0)
                {
                    seen.Add((long)r[^1].Envelope["source"]!["lsn"]!);
                }

                return seen.Count >= total;
            }, $"{total} distinct changes");

            // The cut transaction arrives whole after the restart.
            var bulkIds = new HashSet<int>();
            context.ConsumeUntil(context.Topic("bulk"), r =>
            {
                if (r.Count > 0)
                {
                    bulkIds.Add((int)r[^1].Envelope["after"]!["id"]!);
                }

                return bulkIds.Count == BulkRows;
            }, $"{BulkRows} distinct bulk rows");
            Assert.Equal(Enumerable.Range(1, BulkRows), bulkIds.Order());

            // Dedupe on source.lsn (the documented at-least-once contract), then check per key.
            var perKey = records
                .DistinctBy(r => (long)r.Envelope["source"]!["lsn"]!)
                .GroupBy(r => (int)r.KeyJson!["k"]!)
                .ToDictionary(g => g.Key, g => g.Select(r => (int)r.Envelope["after"]!["v"]!).ToList());
            for (var k = 0; k < Keys; k++)
            {
                var expected = Enumerable.Range(0, total).Where(n => n % Keys == k).Select(n => n / Keys).ToList();
                Assert.Equal(expected, perKey[k]);
            }
        }
        finally
        {
            await stopWriting.CancelAsync();
            child.Kill();
            await child.WaitForExitAsync();
        }
    }

    private static async Task<Process> StartAsync(CaptureContext context)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "herald.dll"), "cdc", "run", "--postgres", context.ConnectionString,
            "--tables", "public.counters,public.bulk", "--prefix", context.Prefix, "--bootstrap", context.Bootstrap,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(CaptureContext.Timeout);
        Assert.True(line?.StartsWith("herald cdc ready:", StringComparison.Ordinal) == true, $"no ready line: {line}\n{(process.HasExited ? await stderr : "")}");
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }
}
