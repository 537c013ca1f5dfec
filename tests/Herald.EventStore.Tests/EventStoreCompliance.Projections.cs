using System.Collections.Concurrent;
using System.Text.Json;
using Herald.EventStore.Projections;
using Herald.EventStore.Tests.Projections;

namespace Herald.EventStore.Tests;

/// <summary>Projections on every store: inline, async with checkpoints and pauses, rebuild and swap.</summary>
public abstract partial class EventStoreCompliance
{
    private IProjectionStore ProjectionStore => (IProjectionStore)Store;

    /// <summary>A store over this test's database whose appends run <paramref name="inline"/> in their transaction.</summary>
    private async Task<IProjectionStore> StoreWithInlineAsync(params IProjection[] inline)
    {
        var store = NewStoreOver(Options with { InlineProjections = inline });
        _stores.Add(store);
        await store.EnsureCreatedAsync();
        return (IProjectionStore)store;
    }

    private static EventData Happened(int i) => StreamSummaryProjection.EventTypes.ToEventData(new Happened(i));

    private static EventData Poisonous(string why) => StreamSummaryProjection.EventTypes.ToEventData(new Poison(why));

    /// <summary>The views a correct projection must hold: folded straight from the global feed.</summary>
    private async Task<Dictionary<string, StreamSummary>> ExpectedSummariesAsync()
    {
        var expected = new Dictionary<string, StreamSummary>();
        await foreach (var e in Store.ReadAllAsync())
        {
            if (e.StreamId.StartsWith('$'))
            {
                continue;
            }

            var number = StreamSummaryProjection.EventTypes.Deserialize(e) is Happened h ? h.I : -1;
            expected[e.StreamId] = expected.TryGetValue(e.StreamId, out var view)
                ? new StreamSummary(view.Count + 1, [.. view.Numbers, number], e.StreamVersion)
                : new StreamSummary(1, [number], e.StreamVersion);
        }

        return expected;
    }

    private static async Task<Dictionary<string, StreamSummary>> SummariesAsync(StreamSummaryProjection projection, IProjectionStore store)
    {
        var json = await projection.ReadAllJsonAsync(store);
        return json.ToDictionary(p => p.Key, p => JsonSerializer.Deserialize<StreamSummary>(p.Value, StreamSummaryProjection.EventTypes.JsonOptions)!);
    }

    private static void AssertSameViews(Dictionary<string, StreamSummary> expected, Dictionary<string, StreamSummary> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, view) in expected)
        {
            Assert.Equal(view.Count, actual[key].Count);
            Assert.Equal(view.Numbers, actual[key].Numbers);
            Assert.Equal(view.LastVersion, actual[key].LastVersion);
        }
    }

    [Fact]
    public async Task An_inline_projection_commits_with_the_append()
    {
        var projection = new StreamSummaryProjection();
        var store = await StoreWithInlineAsync(projection);
        await store.AppendAsync("a", ExpectedVersion.NoStream, [Happened(1), Happened(2)]);
        await store.AppendAsync("b", ExpectedVersion.NoStream, [Happened(3)]);
        await store.AppendAsync("a", ExpectedVersion.Exact(2), [Happened(4)]);

        var a = await projection.LoadAsync(store, "a");
        Assert.NotNull(a);
        Assert.Equal([1, 2, 4], a.Numbers);
        Assert.Equal(3, a.LastVersion);
        AssertSameViews(await ExpectedSummariesAsync(), await SummariesAsync(projection, store));
    }

    [Fact]
    public async Task An_inline_projection_that_throws_rolls_the_append_back_and_names_the_event()
    {
        var projection = new StreamSummaryProjection();
        var store = await StoreWithInlineAsync(projection);
        await store.AppendAsync("a", ExpectedVersion.NoStream, [Happened(1)]);

        var error = await Assert.ThrowsAsync<ProjectionException>(() => store.AppendAsync("a", ExpectedVersion.Exact(1), [Poisonous("bad batch")]));
        Assert.Equal("stream-summaries", error.Projection);
        Assert.Equal("a", error.StreamId);
        Assert.Equal(2, error.StreamVersion);
        Assert.Contains("cannot digest poison", error.Message, StringComparison.Ordinal);
        Assert.Contains("rolled back", error.Message, StringComparison.Ordinal);

        Assert.Equal(1, await store.GetStreamVersionAsync("a"));
        Assert.Single(await store.ReadAllAsync().ToListAsync());
        Assert.Equal([1], (await projection.LoadAsync(store, "a"))!.Numbers);
        // The store still works, and the idempotency check still sees the rolled-back event as new.
        await store.AppendAsync("a", ExpectedVersion.Exact(1), [Happened(2)]);
        Assert.Equal([1, 2], (await projection.LoadAsync(store, "a"))!.Numbers);
    }

    [Fact]
    public async Task The_async_daemon_applies_each_event_once_and_resumes_from_its_checkpoint()
    {
        for (var i = 0; i < 30; i++)
        {
            await Store.AppendAsync($"s-{i % 4}", ExpectedVersion.Any, [Event("Opened"), Event("Closed")]);
        }

        var options = new ProjectionDaemonOptions { BatchSize = 7 };
        await new ProjectionDaemon(ProjectionStore, [new TypeCounterProjection()], options).CatchUpAsync();
        Assert.Equal(new Dictionary<string, long> { ["Opened"] = 30, ["Closed"] = 30 }, await TypeCounterProjection.ReadAsync(ProjectionStore));

        // A new daemon (a restarted process) continues after the checkpoint: nothing is counted twice.
        await Store.AppendAsync("s-9", ExpectedVersion.Any, [Event("Opened")]);
        var restarted = new ProjectionDaemon(ProjectionStore, [new TypeCounterProjection()], options);
        await restarted.CatchUpAsync();
        await restarted.CatchUpAsync();
        Assert.Equal(new Dictionary<string, long> { ["Opened"] = 31, ["Closed"] = 30 }, await TypeCounterProjection.ReadAsync(ProjectionStore));
        var status = await restarted.Checkpoints.GetAsync("type-counts");
        Assert.Equal(await ProjectionStore.GetHeadPositionAsync(), status.Position);
        Assert.Equal(ProjectionState.Running, status.State);
    }

    [Fact]
    public async Task The_async_daemon_keeps_up_with_concurrent_writers_while_running_as_a_service()
    {
        var projection = new StreamSummaryProjection();
        var daemon = new ProjectionDaemon(ProjectionStore, [projection], new ProjectionDaemonOptions { BatchSize = 50, PollInterval = TimeSpan.FromMilliseconds(10) });
        using var stop = new CancellationTokenSource();
        var running = daemon.RunAsync(stop.Token);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await Store.AppendAsync($"w{writer}-{i % 5}", ExpectedVersion.Any, [Happened(i), Happened(-i)]);
            }
        })));

        var head = await ProjectionStore.GetHeadPositionAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await daemon.Checkpoints.GetAsync(projection.Name)).Position < head)
        {
            await Task.Delay(20, timeout.Token);
        }

        await stop.CancelAsync();
        await running;
        AssertSameViews(await ExpectedSummariesAsync(), await SummariesAsync(projection, ProjectionStore));
    }

    [Fact]
    public async Task Two_daemons_running_the_same_projection_never_apply_an_event_twice()
    {
        var options = new ProjectionDaemonOptions { BatchSize = 5 };
        var first = new ProjectionDaemon(ProjectionStore, [new TypeCounterProjection()], options);
        var second = new ProjectionDaemon(ProjectionStore, [new TypeCounterProjection()], options);
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await Store.AppendAsync($"s-{i % 6}", ExpectedVersion.Any, [Event("Tick")]);
            }
        });
        while (!writing.IsCompleted)
        {
            await Task.WhenAll(first.CatchUpAsync(), second.CatchUpAsync());
        }

        await writing;
        await Task.WhenAll(first.CatchUpAsync(), second.CatchUpAsync());
        Assert.Equal(new Dictionary<string, long> { ["Tick"] = 60 }, await TypeCounterProjection.ReadAsync(ProjectionStore));
    }

    [Fact]
    public async Task A_projection_that_throws_pauses_at_the_event_and_resumes_after_the_fix()
    {
        await Store.AppendAsync("a", ExpectedVersion.NoStream, [Happened(1), Happened(2)]);
        var poison = await Store.AppendAsync("b", ExpectedVersion.NoStream, [Poisonous("unknown currency")]);
        await Store.AppendAsync("a", ExpectedVersion.Exact(2), [Happened(3)]);
        var projection = new StreamSummaryProjection();
        var daemon = new ProjectionDaemon(ProjectionStore, [projection]);

        await daemon.CatchUpAsync();
        var status = await daemon.Checkpoints.GetAsync(projection.Name);
        Assert.Equal(ProjectionState.Paused, status.State);
        Assert.Equal(poison.LastGlobalPosition, status.FailedPosition);
        Assert.Equal(poison.LastGlobalPosition - 1, status.Position);
        Assert.Contains($"position {poison.LastGlobalPosition}", status.Error, StringComparison.Ordinal);
        Assert.Contains("stream 'b'", status.Error, StringComparison.Ordinal);
        Assert.Contains("unknown currency", status.Error, StringComparison.Ordinal);
        // The events before the culprit are applied; the one after it is not (never skipped, never reordered).
        Assert.Equal([1, 2], (await projection.LoadAsync(ProjectionStore, "a"))!.Numbers);
        Assert.Null(await projection.LoadAsync(ProjectionStore, "b"));

        // Paused stays paused, however often the daemon looks.
        await daemon.CatchUpAsync();
        Assert.Equal(ProjectionState.Paused, (await daemon.Checkpoints.GetAsync(projection.Name)).State);

        projection.Poisoned = false;
        await daemon.Checkpoints.ResumeAsync(projection.Name);
        await daemon.CatchUpAsync();
        status = await daemon.Checkpoints.GetAsync(projection.Name);
        Assert.Equal(ProjectionState.Running, status.State);
        Assert.Null(status.Error);
        AssertSameViews(await ExpectedSummariesAsync(), await SummariesAsync(projection, ProjectionStore));
    }

    [Fact]
    public async Task A_rebuild_equals_the_inline_projection_even_with_appends_during_the_rebuild()
    {
        var projection = new StreamSummaryProjection();
        var store = await StoreWithInlineAsync(projection);
        for (var i = 0; i < 200; i++)
        {
            await store.AppendAsync($"s-{i % 13}", ExpectedVersion.Any, [Happened(i)]);
        }

        var inline = await SummariesAsync(projection, store);
        AssertSameViews(await ExpectedSummariesAsync(), inline);

        // Writers keep appending (through the inline projection) while the rebuild reads the feed.
        using var stopWriting = new CancellationTokenSource();
        var written = 0;
        var writers = Enumerable.Range(0, 2).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; !stopWriting.IsCancellationRequested || i < 5; i++)
            {
                await store.AppendAsync($"w{writer}-{i % 3}", ExpectedVersion.Any, [Happened(1000 + i)]);
                Interlocked.Increment(ref written);
            }
        })).ToArray();

        var reports = new ConcurrentQueue<RebuildProgress>();
        var liveDuringRebuild = new ConcurrentQueue<int>();
        var progress = new SyncProgress<RebuildProgress>(p =>
        {
            reports.Enqueue(p);
            // The old read model keeps serving while the fresh one fills.
            liveDuringRebuild.Enqueue(projection.LoadAsync(store, "s-0").GetAwaiter().GetResult()?.Count ?? 0);
        });
        var result = await new ProjectionRebuilder(store, batchSize: 16).RebuildAsync(projection, progress);
        await stopWriting.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(written > 0);
        Assert.True(reports.Count > 5, $"{reports.Count} progress reports");
        Assert.All(liveDuringRebuild, count => Assert.True(count > 0, "the live view disappeared during the rebuild"));
        Assert.True(result.EventsApplied >= 200);
        Assert.Equal(result.Position, reports.Last().Position);
        // After the swap, the inline projection continues in the rebuilt table: it equals a fold of the whole feed.
        AssertSameViews(await ExpectedSummariesAsync(), await SummariesAsync(projection, store));
        Assert.Empty(await TypeCounterProjection.TablesLikeAsync(store, "stream_summaries__rebuild%"));
    }

    [Fact]
    public async Task A_cancelled_rebuild_keeps_the_live_read_model_and_drops_its_tables()
    {
        var projection = new StreamSummaryProjection();
        var store = await StoreWithInlineAsync(projection);
        for (var i = 0; i < 100; i++)
        {
            await store.AppendAsync($"s-{i % 7}", ExpectedVersion.Any, [Happened(i)]);
        }

        var before = await SummariesAsync(projection, store);
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress<RebuildProgress>(p =>
        {
            if (p.EventsApplied >= 30)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ProjectionRebuilder(store, batchSize: 10).RebuildAsync(projection, progress, cancel.Token));

        AssertSameViews(before, await SummariesAsync(projection, store));
        Assert.Empty(await TypeCounterProjection.TablesLikeAsync(store, "stream_summaries__rebuild%"));
    }

    [Fact]
    public async Task A_rebuild_that_hits_a_failing_event_names_it_and_swaps_nothing()
    {
        var projection = new StreamSummaryProjection { Poisoned = false };
        var store = await StoreWithInlineAsync(projection);
        await store.AppendAsync("a", ExpectedVersion.NoStream, [Happened(1)]);
        var poison = await store.AppendAsync("b", ExpectedVersion.NoStream, [Poisonous("legacy row")]);
        var before = await SummariesAsync(projection, store);

        projection.Poisoned = true;
        var error = await Assert.ThrowsAsync<ProjectionException>(() => new ProjectionRebuilder(store, batchSize: 1).RebuildAsync(projection));
        Assert.Equal(poison.LastGlobalPosition, error.Position);
        Assert.Contains("live read model was kept", error.Message, StringComparison.Ordinal);
        AssertSameViews(before, await SummariesAsync(projection, store));
        Assert.Empty(await TypeCounterProjection.TablesLikeAsync(store, "stream_summaries__rebuild%"));
    }

    [Fact]
    public async Task Rebuilding_an_async_projection_moves_its_checkpoint_so_the_daemon_counts_nothing_twice()
    {
        for (var i = 0; i < 50; i++)
        {
            await Store.AppendAsync($"s-{i % 3}", ExpectedVersion.Any, [Event("Tick")]);
        }

        var counter = new TypeCounterProjection();
        var daemon = new ProjectionDaemon(ProjectionStore, [counter]);
        await daemon.CatchUpAsync();
        await ExecuteSqlAsync("UPDATE type_counts SET n = 999");  // a read model gone wrong

        var result = await new ProjectionRebuilder(ProjectionStore).RebuildAsync(counter);
        Assert.Equal(new Dictionary<string, long> { ["Tick"] = 50 }, await TypeCounterProjection.ReadAsync(ProjectionStore));
        Assert.Equal(result.Position, (await daemon.Checkpoints.GetAsync(counter.Name)).Position);

        await Store.AppendAsync("s-0", ExpectedVersion.Any, [Event("Tick")]);
        await daemon.CatchUpAsync();
        Assert.Equal(new Dictionary<string, long> { ["Tick"] = 51 }, await TypeCounterProjection.ReadAsync(ProjectionStore));
    }

    [Fact]
    public async Task Projections_never_see_system_streams()
    {
        var projection = new StreamSummaryProjection();
        var store = await StoreWithInlineAsync(projection);
        await store.AppendAsync("a", ExpectedVersion.NoStream, [Happened(1)]);
        await store.AppendAsync("$snapshot-a", ExpectedVersion.Any, [Happened(2)]);
        var counter = new TypeCounterProjection();
        await new ProjectionDaemon(store, [counter]).CatchUpAsync();

        Assert.Equal(["a"], (await SummariesAsync(projection, store)).Keys);
        Assert.Equal(new Dictionary<string, long> { ["Happened"] = 1 }, await TypeCounterProjection.ReadAsync(store));
        await new ProjectionRebuilder(store).RebuildAsync(projection);
        Assert.Equal(["a"], (await SummariesAsync(projection, store)).Keys);
    }

    /// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, out of order).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
