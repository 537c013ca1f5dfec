namespace Herald.Cdc.Tests.Capture;

/// <summary>The slot is confirmed once the broker acknowledged the records, and kept moving on an idle database.</summary>
public sealed class OffsetTests
{
    [Fact]
    public async Task Acknowledged_changes_are_confirmed_to_the_slot()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY)");
        var connector = await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (1)");
        var afterInsert = await context.CurrentWalLsnAsync();

        await CaptureContext.EventuallyAsync(async () => await context.ConfirmedFlushLsnAsync() >= afterInsert, "confirmed_flush_lsn to pass the insert");
        Assert.Equal(1, connector.Status.RecordsAcknowledged);
        Assert.True(connector.Status.ConfirmedLsn >= afterInsert);
    }

    [Fact]
    public async Task An_idle_database_still_advances_the_slot()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY); CREATE TABLE other (id int)");
        await context.StartAsync(context.Options("items"));
        var start = await context.ConfirmedFlushLsnAsync();

        // WAL that holds nothing captured: only keepalives tell the connector about it.
        await context.ExecuteAsync("INSERT INTO other SELECT generate_series(1, 1000)");
        var target = await context.CurrentWalLsnAsync();
        await CaptureContext.EventuallyAsync(async () => await context.ConfirmedFlushLsnAsync() >= target, $"confirmed_flush_lsn to move from {start} to {target}");
    }
}
