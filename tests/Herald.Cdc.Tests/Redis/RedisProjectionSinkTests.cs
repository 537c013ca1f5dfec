using Herald.Cdc.Model;
using Herald.Cdc.Redis;
using Herald.Cdc.Serialization;
using Herald.Cdc.Transforms;
using Herald.Testing;

namespace Herald.Cdc.Tests.Redis;

/// <summary>The Redis projection against a real redis-server, fed through the real Herald broker.</summary>
public sealed class RedisProjectionSinkTests
{
    public static TheoryData<string> Shapes => ["rewrite+fields", "tombstone+headers+schemas", "delete-to-tombstone+headers", "rewrite-with-tombstone+schemas", "envelope"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_mixed_workload_projects_to_the_table_state_and_a_full_replay_changes_nothing(string shape)
    {
        var workload = OrderWorkload.Generate(seed: shape.Length * 7919);
        var (topic, database, prefix, options) = await ArrangeAsync(shape);
        var produced = await RedisFixture.ProduceAsync(workload.Changes.SelectMany(c => Transform(shape).Apply(c, topic)));

        var first = await RedisFixture.ProjectAsync(options, produced);
        AssertState(workload.Expected, await RedisFixture.ReadStateAsync(database, prefix));
        Assert.Contains(first, a => a.Outcome == ProjectionOutcome.Deleted);

        // A new group replays the topic from offset 0: every change is redelivered.
        var replay = await RedisFixture.ProjectAsync(options, produced);
        AssertState(workload.Expected, await RedisFixture.ReadStateAsync(database, prefix));
        Assert.DoesNotContain(replay, a => a.Outcome == ProjectionOutcome.Upserted);
    }

    [Fact]
    public async Task An_older_change_never_overwrites_a_newer_one_nor_revives_a_deleted_row()
    {
        const string shape = "rewrite+fields";
        var workload = new OrderWorkload();
        var oldPaid = workload.Add(ChangeOperation.Create, 1, OrderWorkload.Row(1, "pending", "5.00", null));
        workload.Add(ChangeOperation.Update, 1, OrderWorkload.Row(1, "shipped", "5.00", "fragile"));
        var oldInsert = workload.Add(ChangeOperation.Create, 2, OrderWorkload.Row(2, "pending", "7.00", null));
        workload.Add(ChangeOperation.Delete, 2, null);
        var (topic, database, prefix, options) = await ArrangeAsync(shape);
        var produced = await RedisFixture.ProduceAsync(workload.Changes.SelectMany(c => Transform(shape).Apply(c, topic)));
        await RedisFixture.ProjectAsync(options, produced);

        // Late arrivals of older changes, after newer ones were applied.
        var late = await RedisFixture.ProduceAsync(new[] { oldPaid, oldInsert }.SelectMany(c => Transform(shape).Apply(c, topic)));
        var applied = await RedisFixture.ProjectAsync(options, produced + late);

        Assert.Equal([ProjectionOutcome.Stale, ProjectionOutcome.Stale], applied.TakeLast(late).Select(a => a.Outcome));
        var state = await RedisFixture.ReadStateAsync(database, prefix);
        AssertState(workload.Expected, state);
        Assert.Equal("shipped", state[1]["status"]);
        Assert.False(state.ContainsKey(2));
    }

    [Fact]
    public async Task Fields_that_become_null_are_removed_and_unchanged_toast_values_are_kept()
    {
        const string shape = "rewrite+fields";
        var workload = new OrderWorkload();
        workload.Add(ChangeOperation.Create, 1, OrderWorkload.Row(1, "pending", "5.00", "gift"));
        var toasted = workload.Add(ChangeOperation.Update, 1, OrderWorkload.Row(1, "paid", null, ChangeEvent.UnavailableValuePlaceholder));
        var (topic, database, prefix, options) = await ArrangeAsync(shape);

        await RedisFixture.ProjectAsync(options, await RedisFixture.ProduceAsync(workload.Changes.SelectMany(c => Transform(shape).Apply(c, topic))));

        var row = (await RedisFixture.ReadStateAsync(database, prefix))[1];
        Assert.Equal("paid", row["status"]);
        Assert.False(row.ContainsKey("total"));
        Assert.Equal("gift", row["note"]);
        Assert.Equal(toasted.Source.Lsn.ToString(System.Globalization.CultureInfo.InvariantCulture), row["__lsn"]);
    }

    private static async Task<(string Topic, int Database, string Prefix, RedisProjectionOptions Options)> ArrangeAsync(string shape)
    {
        var topic = TestBroker.UniqueName("shop.public.orders");
        await RedisFixture.CreateTopicAsync(topic, partitions: 3);
        var database = (await RedisServer.Shared).NextDatabase();
        var prefix = RedisServer.UniquePrefix(shape);
        var options = new RedisProjectionOptions
        {
            Topics = [topic],
            KeyPattern = prefix + "orders:{id}",
            Database = database,
        };
        return (topic, database, prefix, options);
    }

    private static IChangeTransform Transform(string shape)
    {
        var schemas = new DebeziumJsonSerializer(new DebeziumJsonOptions { SchemasEnabled = shape.Contains("schemas", StringComparison.Ordinal) });
        ExtractNewRecordState Unwrap(string mode, string what) => new(
            ExtractNewRecordStateOptions.Parse(new Dictionary<string, string> { ["delete.tombstone.handling.mode"] = mode, [what] = "lsn,table" }),
            schemas);

        return shape switch
        {
            "rewrite+fields" => Unwrap("rewrite", "add.fields"),
            "tombstone+headers+schemas" => Unwrap("tombstone", "add.headers"),
            "delete-to-tombstone+headers" => Unwrap("delete-to-tombstone", "add.headers"),
            "rewrite-with-tombstone+schemas" => Unwrap("rewrite-with-tombstone", "add.fields"),
            "envelope" => new EnvelopeTransform(schemas),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
    }

    private static void AssertState(Dictionary<long, Dictionary<string, string>> expected, Dictionary<long, Dictionary<string, string>> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (id, row) in expected)
        {
            var stored = actual[id].Where(f => !f.Key.StartsWith("__", StringComparison.Ordinal) || f.Key == "__lsn").ToDictionary();
            Assert.Equal(row.OrderBy(f => f.Key), stored.OrderBy(f => f.Key));
        }
    }
}
