namespace Herald.Cdc.Tests.Capture;

/// <summary>The initial snapshot emits existing rows as <c>r</c> and hands over to streaming at the slot's exact position.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public async Task Existing_rows_are_read_with_first_and_last_markers_then_streaming_continues()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 3) g");
        var connector = await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (4, 'n4')");

        var records = context.Consume(context.Topic("items"), 4);
        Assert.Equal(["r", "r", "r", "c"], records.Select(r => r.Op));
        Assert.Equal(["first", "true", "last", "false"], records.Select(r => r.Envelope["source"]!["snapshot"]!.ToString()));
        Assert.All(records.Take(3), r => Assert.Null(r.Envelope["before"]));
        Assert.Equal(3, connector.Status.SnapshotRows);

        // Snapshot rows carry the LSN streaming resumed from; every streamed change comes after it.
        var snapshotLsn = (long)records[0].Envelope["source"]!["lsn"]!;
        Assert.True((long)records[3].Envelope["source"]!["lsn"]! > snapshotLsn);
    }

    [Fact]
    public async Task Rows_written_during_the_snapshot_arrive_exactly_once()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 2000) g");

        using var stopWriting = new CancellationTokenSource();
        var written = 2000;
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                var next = written + 1;
                await context.ExecuteAsync($"INSERT INTO items SELECT g, 'n' || g FROM generate_series({next}, {next + 4}) g");
                written = next + 4;
            }
        });

        await CaptureContext.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref written) > 2100), "concurrent writes before the start");
        var connector = await context.StartAsync(context.Options("items"));
        var atReady = Volatile.Read(ref written);
        await CaptureContext.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref written) > atReady + 200), "concurrent writes after the snapshot");
        await stopWriting.CancelAsync();
        await writer;

        // Every row has arrived; stopped, the connector sends nothing more, so the log read to its end is all it sent.
        context.Consume(context.Topic("items"), written);
        await context.StopAsync(connector);
        var records = context.Consume(context.Topic("items"), written);
        var ids = records.Select(r => (int)r.Envelope["after"]!["id"]!).ToList();
        Assert.Equal(written, ids.Distinct().Count());
        Assert.Equal(written, ids.Count);
        Assert.Equal(Enumerable.Range(1, written), ids.Order());
        Assert.True(records.Count(r => r.Op == "r") >= 2100, "the snapshot read the rows committed before it");
        Assert.True(records.Count(r => r.Op == "c") >= 200, "streaming delivered the rows committed after it");
    }

    [Fact]
    public async Task A_restart_after_the_snapshot_streams_without_reading_again()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2)");
        var first = await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (3)");
        context.Consume(context.Topic("items"), 3);
        await context.StopAsync(first);

        await context.ExecuteAsync("INSERT INTO items VALUES (4)");
        var second = await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (5)");

        var records = context.ConsumeUntil(context.Topic("items"), r => r.Any(x => (int?)x.Envelope["after"]?["id"] == 5), "id 5");
        Assert.Equal(0, second.Status.SnapshotRows);
        Assert.Equal(2, records.Count(r => r.Op == "r"));
        Assert.Equal([3, 4, 5], records.Where(r => r.Op == "c").Select(r => (int)r.Envelope["after"]!["id"]!).Distinct());
    }

    [Fact]
    public async Task A_slot_whose_snapshot_never_completed_is_recreated_and_the_snapshot_redone()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2)");

        // What a crash mid-snapshot leaves behind: the slot exists, completion was never recorded.
        await context.ExecuteAsync($"SELECT pg_create_logical_replication_slot('{context.Slot}', 'pgoutput')");
        var connector = await context.StartAsync(context.Options("items"));

        var records = context.Consume(context.Topic("items"), 2);
        Assert.Equal(["r", "r"], records.Select(r => r.Op));
        Assert.Equal(2, connector.Status.SnapshotRows);
    }
}
