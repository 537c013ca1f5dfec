using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.EventStore.Aggregates;
using Herald.EventStore.Serialization;
using Herald.EventStore.Sqlite;

namespace Herald.EventStore.Tests.Aggregates;

public sealed class AggregateRepositoryTests
{
    public sealed record Deposited(decimal Amount);

    public sealed record Withdrawn(decimal Amount);

    public sealed class Account : IAggregate
    {
        public decimal Balance { get; set; }

        public int Operations { get; set; }

        public void Apply(object @event)
        {
            Balance += @event switch
            {
                Deposited d => d.Amount,
                Withdrawn w => -w.Amount,
                _ => 0,
            };
            Operations++;
        }
    }

    private static async Task<SqliteEventStore> NewStoreAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "herald-es-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var store = new SqliteEventStore($"Data Source={Path.Combine(path, "events.db")}");
        await store.EnsureCreatedAsync();
        return store;
    }

    private static EventTypeMap Types() => new EventTypeMap().Map<Deposited>().Map<Withdrawn>();

    private static async Task<long> SeedAsync(AggregateRepository<Account> repository, string stream, int events)
    {
        long version = 0;
        for (int i = 0; i < events; i += 10)
        {
            var batch = Enumerable.Range(i, Math.Min(10, events - i)).Select(n => n % 3 == 2 ? (object)new Withdrawn(1) : new Deposited(n)).ToList();
            version = (await repository.AppendAsync(stream, version, batch)).StreamVersion;
        }

        return version;
    }

    [Fact]
    public async Task Loading_from_a_snapshot_folds_only_the_events_after_it_and_gives_the_same_state()
    {
        var store = await NewStoreAsync();
        var repository = new AggregateRepository<Account>(store, Types(), new SnapshotOptions { Every = 100 });
        await SeedAsync(repository, "account-1", 1000);
        await repository.AppendAsync("account-1", 1000, [new Deposited(5)]);

        var fromEvents = await repository.LoadAsync("account-1", useSnapshots: false);
        var fromSnapshot = await repository.LoadAsync("account-1");

        Assert.Equal(1001, fromEvents.Version);
        Assert.Equal(1001, fromEvents.EventsFolded);
        Assert.True(fromSnapshot.FromSnapshot);
        Assert.Equal(1, fromSnapshot.EventsFolded);
        Assert.Equal(fromEvents.Version, fromSnapshot.Version);
        Assert.Equal(JsonSerializer.Serialize(fromEvents.State), JsonSerializer.Serialize(fromSnapshot.State));
    }

    [Fact]
    public async Task A_snapshot_of_another_schema_version_is_ignored_and_the_state_rebuilt_from_events()
    {
        var store = await NewStoreAsync();
        var v1 = new AggregateRepository<Account>(store, Types(), new SnapshotOptions { Every = 50, SchemaVersion = 1 });
        await SeedAsync(v1, "account-2", 200);
        Assert.True((await v1.LoadAsync("account-2")).FromSnapshot);

        // The aggregate's shape changed: version 2 code must not trust version 1 snapshots.
        var v2 = new AggregateRepository<Account>(store, Types(), new SnapshotOptions { Every = 50, SchemaVersion = 2 });
        var loaded = await v2.LoadAsync("account-2");
        Assert.False(loaded.FromSnapshot);
        Assert.Equal(200, loaded.EventsFolded);
        Assert.Equal((await v1.LoadAsync("account-2", useSnapshots: false)).State.Balance, loaded.State.Balance);
    }

    [Fact]
    public async Task Appending_with_a_stale_version_is_refused_with_the_actual_version()
    {
        var store = await NewStoreAsync();
        var repository = new AggregateRepository<Account>(store, Types());
        await repository.AppendAsync("account-3", 0, [new Deposited(10)]);
        var conflict = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => repository.AppendAsync("account-3", 0, [new Deposited(20)]));
        Assert.Equal(1, conflict.ActualVersion);
        Assert.Equal(10, (await repository.LoadAsync("account-3")).State.Balance);
    }

    [Fact]
    public async Task Old_events_are_upcast_step_by_step_on_read()
    {
        var store = await NewStoreAsync();

        // Version 1 stored amounts in cents as "cents"; version 2 renamed it; version 3 is decimal "amount".
        await store.AppendAsync("account-4", ExpectedVersion.NoStream,
        [
            new EventData(Guid.NewGuid(), "Deposited", 1, JsonSerializer.SerializeToUtf8Bytes(new { cents = 1250 })),
            new EventData(Guid.NewGuid(), "Deposited", 3, JsonSerializer.SerializeToUtf8Bytes(new { amount = 2.5m })),
        ]);
        var types = new EventTypeMap()
            .Map<Deposited>(version: 3)
            .Map<Withdrawn>()
            .Upcast("Deposited", 1, old => new JsonObject { ["amountInCents"] = old["cents"]!.GetValue<int>() })
            .Upcast("Deposited", 2, old => new JsonObject { ["amount"] = old["amountInCents"]!.GetValue<int>() / 100m });

        var loaded = await new AggregateRepository<Account>(store, types).LoadAsync("account-4");
        Assert.Equal(15m, loaded.State.Balance);

        var missing = new EventTypeMap().Map<Deposited>(version: 3).Map<Withdrawn>();
        var error = await Assert.ThrowsAsync<CorruptEventException>(() => new AggregateRepository<Account>(store, missing).LoadAsync("account-4"));
        Assert.Equal("account-4", error.StreamId);
        Assert.Equal(1, error.StreamVersion);
        Assert.Contains("no upcaster", error.Message, StringComparison.Ordinal);
    }
}
