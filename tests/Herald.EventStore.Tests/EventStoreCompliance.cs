using System.Collections.Concurrent;
using System.Text;

namespace Herald.EventStore.Tests;

/// <summary>What every <see cref="IEventStore"/> must do, against a real database; one subclass per store.</summary>
public abstract partial class EventStoreCompliance : IAsyncLifetime
{
    private readonly List<IEventStore> _stores = [];
    private IEventStore? _store;

    protected EventStoreOptions Options { get; } = EventStoreOptions.Default with { MaxEventBytes = 4096, MaxStreamIdLength = 64 };

    /// <summary>The store every test uses, over this test's database with <see cref="Options"/>.</summary>
    protected IEventStore Store => _store ??= NewStoreOver(Options);

    /// <summary>A new store instance over this test's database (the same one every call).</summary>
    protected abstract IEventStore NewStoreOver(EventStoreOptions options);

    protected abstract Task CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    /// <summary>Runs raw SQL against this test's database (to damage rows).</summary>
    protected abstract Task ExecuteSqlAsync(string sql);

    /// <summary>SQL that makes the payload of one event unreadable.</summary>
    protected abstract string CorruptPayloadSql(string streamId, long version);

    /// <summary>SQL that makes the event type of one event unreadable.</summary>
    protected abstract string CorruptEventTypeSql(string streamId, long version);

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        _stores.Add(Store);
        await Store.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await DropDatabaseAsync();
    }

    protected static EventData Event(string type = "Happened", string json = "{}", string? metadata = null, int schemaVersion = 1) =>
        new(Guid.NewGuid(), type, schemaVersion, Encoding.UTF8.GetBytes(json), metadata is null ? null : (ReadOnlyMemory<byte>?)Encoding.UTF8.GetBytes(metadata));

    private static List<EventData> Events(int count) => Enumerable.Range(0, count).Select(i => Event(json: $$"""{"i":{{i}}}""")).ToList();

    [Fact]
    public async Task EnsureCreated_is_idempotent()
    {
        await Store.EnsureCreatedAsync();
        await Store.AppendAsync("s", ExpectedVersion.NoStream, [Event()]);
        await Store.EnsureCreatedAsync();
        Assert.Equal(1, await Store.GetStreamVersionAsync("s"));
    }

    [Fact]
    public async Task Events_round_trip_with_versions_positions_and_metadata()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var first = Event("OrderPlaced", """{"order":1}""", """{"correlation":"c"}""", schemaVersion: 2);
        var second = Event("OrderPaid", """{"order":1}""");
        var result = await Store.AppendAsync("order-1", ExpectedVersion.NoStream, [first, second]);
        var other = await Store.AppendAsync("order-2", ExpectedVersion.NoStream, [Event()]);

        Assert.Equal(2, result.StreamVersion);
        Assert.Equal(1, other.StreamVersion);
        Assert.True(other.LastGlobalPosition > result.LastGlobalPosition);
        var stored = await Store.ReadStreamAsync("order-1").ToListAsync();
        Assert.Equal([1L, 2L], stored.Select(e => e.StreamVersion));
        Assert.Equal(result.LastGlobalPosition, stored[1].GlobalPosition);
        Assert.True(stored[0].GlobalPosition >= 1 && stored[0].GlobalPosition < stored[1].GlobalPosition);
        Assert.Equal(first.EventId, stored[0].EventId);
        Assert.Equal("OrderPlaced", stored[0].EventType);
        Assert.Equal(2, stored[0].SchemaVersion);
        Assert.Equal("""{"order":1}""", Encoding.UTF8.GetString(stored[0].Data.Span));
        Assert.Equal("""{"correlation":"c"}""", Encoding.UTF8.GetString(stored[0].Metadata!.Value.Span));
        Assert.Null(stored[1].Metadata);
        Assert.Equal("order-1", stored[0].StreamId);
        Assert.InRange(stored[0].RecordedAt, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(0, await Store.GetStreamVersionAsync("nothing-here"));
    }

    public static TheoryData<string, bool, bool> Matrix => new()
    {
        // expected, stream exists (at version 2), append succeeds
        { "any", false, true },
        { "any", true, true },
        { "no-stream", false, true },
        { "no-stream", true, false },
        { "stream-exists", false, false },
        { "stream-exists", true, true },
        { "0", false, true },
        { "0", true, false },
        { "1", false, false },
        { "1", true, false },
        { "2", true, true },
        { "3", true, false },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Expected_version_matrix(string expectedName, bool exists, bool succeeds)
    {
        var expected = expectedName switch
        {
            "any" => ExpectedVersion.Any,
            "no-stream" => ExpectedVersion.NoStream,
            "stream-exists" => ExpectedVersion.StreamExists,
            _ => ExpectedVersion.Exact(long.Parse(expectedName, System.Globalization.CultureInfo.InvariantCulture)),
        };
        var actual = 0L;
        if (exists)
        {
            actual = (await Store.AppendAsync("s", ExpectedVersion.NoStream, Events(2))).StreamVersion;
        }

        if (succeeds)
        {
            var result = await Store.AppendAsync("s", expected, [Event()]);
            Assert.Equal(actual + 1, result.StreamVersion);
            Assert.Equal(actual + 1, await Store.GetStreamVersionAsync("s"));
        }
        else
        {
            var exception = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.AppendAsync("s", expected, [Event()]));
            Assert.Equal(actual, exception.ActualVersion);
            Assert.Equal(expected, exception.Expected);
            Assert.Equal("s", exception.StreamId);
            Assert.Contains($"version {actual}", exception.Message, StringComparison.Ordinal);
            Assert.Equal(actual, await Store.GetStreamVersionAsync("s"));
        }
    }

    [Fact]
    public async Task A_re_append_of_the_same_batch_is_stored_once_and_returns_the_original_result()
    {
        var batch = Events(3);
        var first = await Store.AppendAsync("s", ExpectedVersion.NoStream, batch);
        await Store.AppendAsync("other", ExpectedVersion.Any, [Event()]);

        Assert.Equal(first, await Store.AppendAsync("s", ExpectedVersion.NoStream, batch));
        Assert.Equal(first, await Store.AppendAsync("s", ExpectedVersion.Exact(0), batch));
        Assert.Equal(first, await Store.AppendAsync("s", ExpectedVersion.Any, batch));
        Assert.Equal(3, await Store.GetStreamVersionAsync("s"));
        Assert.Equal(4, await Store.ReadAllAsync().CountAsync());

        // The same id in another stream is another event.
        Assert.Equal(1, (await Store.AppendAsync("third", ExpectedVersion.NoStream, [batch[0]])).StreamVersion);
    }

    [Fact]
    public async Task A_batch_mixing_stored_and_new_event_ids_is_refused_and_stores_nothing()
    {
        var batch = Events(2);
        await Store.AppendAsync("s", ExpectedVersion.NoStream, batch);

        var exception = await Assert.ThrowsAsync<EventStoreException>(() => Store.AppendAsync("s", ExpectedVersion.Any, [batch[1], Event()]));
        Assert.IsNotType<WrongExpectedVersionException>(exception);
        Assert.Contains(batch[1].EventId.ToString(), exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, await Store.GetStreamVersionAsync("s"));
        Assert.Equal(2, await Store.ReadAllAsync().CountAsync());
    }

    [Fact]
    public async Task An_empty_append_checks_the_version_and_stores_nothing()
    {
        Assert.Equal(0, (await Store.AppendAsync("s", ExpectedVersion.NoStream, [])).StreamVersion);
        var written = await Store.AppendAsync("s", ExpectedVersion.NoStream, Events(2));
        Assert.Equal(written, await Store.AppendAsync("s", ExpectedVersion.Exact(2), []));
        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.AppendAsync("s", ExpectedVersion.Exact(1), []));
        Assert.Equal(2, await Store.ReadAllAsync().CountAsync());
    }

    [Fact]
    public async Task Concurrent_writers_to_one_stream_get_exactly_one_winner_per_version()
    {
        const int Writers = 8;
        const int AppendsPerWriter = 12;
        var winners = new ConcurrentDictionary<long, Guid>();
        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            var version = 0L;
            for (var done = 0; done < AppendsPerWriter;)
            {
                var e = Event();
                try
                {
                    var result = await Store.AppendAsync("contended", ExpectedVersion.Exact(version), [e]);
                    Assert.Equal(version + 1, result.StreamVersion);
                    Assert.True(winners.TryAdd(result.StreamVersion, e.EventId), $"version {result.StreamVersion} won twice");
                    version = result.StreamVersion;
                    done++;
                }
                catch (WrongExpectedVersionException conflict)
                {
                    Assert.True(conflict.ActualVersion > version);
                    Interlocked.Increment(ref conflicts);
                    version = conflict.ActualVersion;
                }
            }
        })));

        Assert.Equal(Writers * AppendsPerWriter, await Store.GetStreamVersionAsync("contended"));
        var stored = await Store.ReadStreamAsync("contended").ToListAsync();
        Assert.Equal(Enumerable.Range(1, Writers * AppendsPerWriter).Select(v => (long)v), stored.Select(e => e.StreamVersion));
        Assert.All(stored, e => Assert.Equal(winners[e.StreamVersion], e.EventId));
        Assert.True(conflicts > 0, "the writers never collided; the test proves nothing");
    }

    [Fact]
    public async Task A_tailing_reader_sees_every_event_once_in_position_order_while_many_streams_are_written()
    {
        const int Writers = 6;
        const int BatchesPerWriter = 40;
        var appended = new ConcurrentDictionary<Guid, byte>();
        var writing = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            for (var i = 0; i < BatchesPerWriter; i++)
            {
                var batch = Events(random.Next(1, 6));
                await Store.AppendAsync($"stream-{random.Next(20)}", ExpectedVersion.Any, batch);
                foreach (var e in batch)
                {
                    appended[e.EventId] = 0;
                }
            }
        })).ToArray();
        var allWritten = Task.WhenAll(writing);

        var seen = new HashSet<Guid>();
        var maxPosition = 0L;
        var reads = 0;
        async Task ReadOnceAsync()
        {
            reads++;
            await foreach (var e in Store.ReadAllAsync(maxPosition, maxCount: 25))
            {
                Assert.True(e.GlobalPosition > maxPosition, $"position {e.GlobalPosition} arrived after {maxPosition} was seen: the feed skipped it");
                Assert.True(seen.Add(e.EventId), $"event {e.EventId} was read twice");
                maxPosition = e.GlobalPosition;
            }
        }

        while (!allWritten.IsCompleted)
        {
            await ReadOnceAsync();
        }

        await allWritten;
        var before = -1;
        while (before != seen.Count)
        {
            before = seen.Count;
            await ReadOnceAsync();
        }

        Assert.True(reads > 2);
        Assert.Equal(appended.Keys.Order(), seen.Order());
    }

    [Fact]
    public async Task Streams_read_forwards_backwards_from_a_version_and_up_to_a_count()
    {
        await Store.AppendAsync("s", ExpectedVersion.NoStream, Events(10));
        await Store.AppendAsync("other", ExpectedVersion.NoStream, Events(3));

        async Task<long[]> VersionsAsync(long from, ReadDirection direction, int max = int.MaxValue) =>
            (await Store.ReadStreamAsync("s", from, direction, max).ToListAsync()).Select(e => e.StreamVersion).ToArray();

        Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), await VersionsAsync(1, ReadDirection.Forwards));
        Assert.Equal(new long[] { 4L, 5L, 6L }, await VersionsAsync(4, ReadDirection.Forwards, 3));
        Assert.Equal(new long[] { 9L, 10L }, await VersionsAsync(9, ReadDirection.Forwards, 5));
        Assert.Empty(await VersionsAsync(11, ReadDirection.Forwards));
        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(v => (long)v), await VersionsAsync(long.MaxValue, ReadDirection.Backwards));
        Assert.Equal(new long[] { 5L, 4L }, await VersionsAsync(5, ReadDirection.Backwards, 2));
        Assert.Equal(new long[] { 10L, 9L, 8L }, await VersionsAsync(long.MaxValue, ReadDirection.Backwards, 3));
        Assert.Empty(await VersionsAsync(1, ReadDirection.Forwards, 0));
        Assert.Empty(await Store.ReadStreamAsync("missing").ToListAsync());
    }

    [Fact]
    public async Task The_global_feed_reads_in_position_order_after_a_position_up_to_a_count()
    {
        await Store.AppendAsync("a", ExpectedVersion.NoStream, Events(3));
        await Store.AppendAsync("b", ExpectedVersion.NoStream, Events(2));
        await Store.AppendAsync("a", ExpectedVersion.Exact(3), Events(1));

        var all = await Store.ReadAllAsync().ToListAsync();
        Assert.Equal(["a", "a", "a", "b", "b", "a"], all.Select(e => e.StreamId));
        Assert.Equal(all.Select(e => e.GlobalPosition).Order(), all.Select(e => e.GlobalPosition));
        Assert.Equal(all.Count, all.Select(e => e.GlobalPosition).Distinct().Count());
        Assert.Equal(all.Skip(2).Take(3).Select(e => e.EventId), (await Store.ReadAllAsync(all[1].GlobalPosition, 3).ToListAsync()).Select(e => e.EventId));
        Assert.Empty(await Store.ReadAllAsync(all[^1].GlobalPosition).ToListAsync());
    }

    [Fact]
    public async Task A_deleted_stream_refuses_appends_and_keeps_its_events_in_the_global_feed()
    {
        var batch = Events(2);
        await Store.AppendAsync("s", ExpectedVersion.NoStream, batch);
        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => Store.DeleteStreamAsync("s", ExpectedVersion.Exact(1)));
        await Store.DeleteStreamAsync("s", ExpectedVersion.Exact(2));
        await Store.DeleteStreamAsync("s", ExpectedVersion.Any);

        var exception = await Assert.ThrowsAsync<StreamDeletedException>(() => Store.AppendAsync("s", ExpectedVersion.Any, [Event()]));
        Assert.Equal("s", exception.StreamId);
        await Assert.ThrowsAsync<StreamDeletedException>(() => Store.AppendAsync("s", ExpectedVersion.Exact(2), batch));
        Assert.Equal(batch.Select(e => e.EventId), (await Store.ReadAllAsync().ToListAsync()).Select(e => e.EventId));
        Assert.Equal(2, await Store.GetStreamVersionAsync("s"));

        // Deleting a stream that never existed keeps the name from being used.
        await Store.DeleteStreamAsync("never", ExpectedVersion.NoStream);
        await Assert.ThrowsAsync<StreamDeletedException>(() => Store.AppendAsync("never", ExpectedVersion.NoStream, [Event()]));
    }

    public static TheoryData<string> InvalidStreamIds => new() { "", new string('x', 65), "a\nb", "tab\there", "nul\0", "del\u007f" };

    [Theory]
    [MemberData(nameof(InvalidStreamIds))]
    public async Task Invalid_stream_ids_are_refused_with_a_clear_message(string streamId)
    {
        var exception = await Assert.ThrowsAsync<EventStoreException>(() => Store.AppendAsync(streamId, ExpectedVersion.Any, [Event()]));
        Assert.Contains("stream id", exception.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<EventStoreException>(() => Store.GetStreamVersionAsync(streamId));
        await Assert.ThrowsAsync<EventStoreException>(() => Store.DeleteStreamAsync(streamId, ExpectedVersion.Any));
        Assert.Empty(await Store.ReadAllAsync().ToListAsync());
    }

    [Fact]
    public async Task The_longest_allowed_stream_id_works()
    {
        var streamId = new string('x', Options.MaxStreamIdLength);
        await Store.AppendAsync(streamId, ExpectedVersion.NoStream, [Event()]);
        Assert.Equal(1, await Store.GetStreamVersionAsync(streamId));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AppendAsync(null!, ExpectedVersion.Any, [Event()]));
    }

    [Fact]
    public async Task An_oversize_event_is_refused_naming_its_index_and_size()
    {
        var big = new EventData(Guid.NewGuid(), "Big", 1, new byte[Options.MaxEventBytes - 10], new byte[11]);
        var exception = await Assert.ThrowsAsync<EventStoreException>(() => Store.AppendAsync("s", ExpectedVersion.Any, [Event(), big]));
        Assert.Contains("event 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{Options.MaxEventBytes + 1} bytes", exception.Message, StringComparison.Ordinal);

        var exact = new EventData(Guid.NewGuid(), "Big", 1, new byte[Options.MaxEventBytes - 10], new byte[10]);
        await Store.AppendAsync("s", ExpectedVersion.NoStream, [exact]);
        Assert.Equal(Options.MaxEventBytes - 10, (await Store.ReadStreamAsync("s").SingleAsync()).Data.Length);
    }

    public static TheoryData<string> InvalidBatches => new() { "oversize", "duplicate-id", "no-type" };

    [Theory]
    [MemberData(nameof(InvalidBatches))]
    public async Task A_batch_that_fails_validation_midway_leaves_nothing_visible(string problem)
    {
        var batch = Events(4);
        batch[2] = problem switch
        {
            "oversize" => Event(json: new string('x', Options.MaxEventBytes + 1)),
            "duplicate-id" => batch[0] with { EventType = "Again" },
            _ => batch[2] with { EventType = "" },
        };

        var exception = await Assert.ThrowsAsync<EventStoreException>(() => Store.AppendAsync("s", ExpectedVersion.NoStream, batch));
        Assert.Contains("event 2", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, await Store.GetStreamVersionAsync("s"));
        Assert.Empty(await Store.ReadAllAsync().ToListAsync());
        Assert.Equal(4, (await Store.AppendAsync("s", ExpectedVersion.NoStream, Events(4))).StreamVersion);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unreadable_row_is_a_CorruptEventException_naming_stream_and_version(bool payload)
    {
        await Store.AppendAsync("healthy", ExpectedVersion.NoStream, Events(2));
        await Store.AppendAsync("damaged", ExpectedVersion.NoStream, Events(3));
        await ExecuteSqlAsync(payload ? CorruptPayloadSql("damaged", 2) : CorruptEventTypeSql("damaged", 2));

        var fromStream = await Assert.ThrowsAsync<CorruptEventException>(async () => await Store.ReadStreamAsync("damaged").ToListAsync());
        Assert.Equal("damaged", fromStream.StreamId);
        Assert.Equal(2, fromStream.StreamVersion);
        Assert.Contains("event 2 of stream 'damaged'", fromStream.Message, StringComparison.Ordinal);
        var fromFeed = await Assert.ThrowsAsync<CorruptEventException>(async () => await Store.ReadAllAsync().ToListAsync());
        Assert.Equal(("damaged", 2L), (fromFeed.StreamId, fromFeed.StreamVersion));

        Assert.Equal(2, await Store.ReadStreamAsync("healthy").CountAsync());
        Assert.Equal(1, await Store.ReadStreamAsync("damaged", 3).CountAsync());
    }

    [Fact]
    public async Task A_large_feed_read_delivers_every_event_before_a_corrupt_one_then_names_it()
    {
        for (var i = 0; i < 30; i++)
        {
            await Store.AppendAsync($"bulk-{i}", ExpectedVersion.NoStream, Events(100));
        }

        await ExecuteSqlAsync(CorruptPayloadSql("bulk-20", 50));
        var delivered = 0;
        var last = 0L;
        var error = await Assert.ThrowsAsync<CorruptEventException>(async () =>
        {
            await foreach (var e in Store.ReadAllAsync(0, 5000))
            {
                Assert.True(e.GlobalPosition > last, $"position {e.GlobalPosition} after {last}");
                last = e.GlobalPosition;
                delivered++;
            }
        });
        Assert.Equal(("bulk-20", 50L), (error.StreamId, error.StreamVersion));
        Assert.Equal((20 * 100) + 49, delivered);

        // A reader that stops early releases the read (the next read and an append work).
        await foreach (var e in Store.ReadAllAsync(0, 5000))
        {
            if (e.GlobalPosition == 10)
            {
                break;
            }
        }

        await Store.AppendAsync("after", ExpectedVersion.NoStream, Events(1));
        Assert.Equal(1, await Store.GetStreamVersionAsync("after"));
    }

    [Fact]
    public async Task A_hundred_event_batch_is_one_atomic_append()
    {
        var batch = Events(100);
        var result = await Store.AppendAsync("big", ExpectedVersion.NoStream, batch);
        Assert.Equal(100, result.StreamVersion);
        var stored = await Store.ReadStreamAsync("big").ToListAsync();
        Assert.Equal(batch.Select(e => e.EventId), stored.Select(e => e.EventId));
        Assert.Equal(result.LastGlobalPosition, stored[^1].GlobalPosition);
    }
}
