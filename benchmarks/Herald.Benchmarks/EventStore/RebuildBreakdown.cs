using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Herald.EventStore;
using Herald.EventStore.Projections;
using Herald.EventStore.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace Herald.Benchmarks.EventStore;

/// <summary>
/// <c>--rebuild-breakdown</c>: where a Herald rebuild's time goes. Each step replays the whole feed in pages of the
/// rebuild batch size and adds one stage: read only, + deserialize, + fold in memory (no writes), the real
/// <see cref="ProjectionRebuilder"/> with other batch sizes, and a hand-written projection that writes typed columns
/// with delta upserts (no view load, no JSON view).
/// </summary>
internal static class RebuildBreakdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync(string name, IProjectionStore store, Settings s, EventTypeMap types, Results results)
    {
        var store_ = name + " [breakdown]";

        // Horizon cost (PostgreSQL: feed_horizon() per page).
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 100; i++)
        {
            await store.GetHeadPositionAsync();
        }

        results.Note(string.Create(Inv, $"{name}: GetHeadPositionAsync {watch.Elapsed.TotalMilliseconds / 100:0.00} ms per call"));

        foreach (var stage in new[] { "read only", "read + deserialize", "read + deserialize + fold in memory" })
        {
            watch.Restart();
            long last = 0;
            long count = 0;
            var views = new Dictionary<string, OrderSummary>(StringComparer.Ordinal);
            while (true)
            {
                int page = 0;
                await foreach (var e in store.ReadAllAsync(last, s.RebuildBatch))
                {
                    last = e.GlobalPosition;
                    page++;
                    if (stage == "read only")
                    {
                        continue;
                    }

                    var @event = types.Deserialize(e);
                    if (stage.EndsWith("memory", StringComparison.Ordinal) && @event is OrderItemAdded added)
                    {
                        if (!views.TryGetValue(e.StreamId, out var view))
                        {
                            views[e.StreamId] = view = new OrderSummary();
                        }

                        view.Fold(added);
                    }
                }

                count += page;
                if (page < s.RebuildBatch)
                {
                    break;
                }
            }

            results.Add(new Row(store_, Kind.Rebuild, $"{stage}, pages of {s.RebuildBatch:N0}", count, watch.Elapsed));
        }

        foreach (var batch in new[] { 1000, 20_000 })
        {
            var rebuilt = await new ProjectionRebuilder(store, batch).RebuildAsync(new HeraldOrderSummaries(types));
            results.Add(new Row(store_, Kind.Rebuild, $"ProjectionRebuilder + ViewProjection, batch {batch:N0}", rebuilt.EventsApplied, rebuilt.Elapsed));
        }

        foreach (var batch in new[] { s.RebuildBatch, 20_000 })
        {
            var rebuilt = await new ProjectionRebuilder(store, batch).RebuildAsync(new DeltaOrderSummaries(types));
            results.Add(new Row(store_, Kind.Rebuild, $"ProjectionRebuilder + hand-written delta-upsert projection, batch {batch:N0}", rebuilt.EventsApplied, rebuilt.Elapsed));
        }
    }
}

/// <summary>
/// Prototype: the same per-stream summary in typed columns. A batch is folded in memory into per-stream deltas and
/// written with one <c>INSERT … ON CONFLICT DO UPDATE SET count = t.count + excluded.count …</c>: no load query, no JSON
/// views. Correct only for folds that are sums (as this one is).
/// </summary>
internal sealed class DeltaOrderSummaries(EventTypeMap types) : IProjection
{
    private const string Table = "order_summaries_delta";

    public string Name => "order-summaries-delta";

    public IReadOnlyList<string> Tables => [Table];

    public async Task CreateAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand(
            $"CREATE TABLE IF NOT EXISTS {context.Table(Table)} (id TEXT NOT NULL PRIMARY KEY, count BIGINT NOT NULL, quantity BIGINT NOT NULL, total NUMERIC NOT NULL, last_position BIGINT NOT NULL)");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var deltas = new Dictionary<string, (OrderSummary Sum, long Position)>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (types.IsMapped(e.EventType) && types.Deserialize(e) is OrderItemAdded added)
            {
                if (!deltas.TryGetValue(e.StreamId, out var delta))
                {
                    delta = (new OrderSummary(), 0);
                }

                deltas[e.StreamId] = (delta.Sum.Fold(added), e.GlobalPosition);
            }
        }

        if (deltas.Count == 0)
        {
            return;
        }

        var table = context.Table(Table);
        const string set = "count = t.count + excluded.count, quantity = t.quantity + excluded.quantity, total = t.total + excluded.total, last_position = excluded.last_position";
        if (context.Dialect == SqlDialect.PostgreSql)
        {
            await using var command = context.CreateCommand(
                $"INSERT INTO {table} AS t (id, count, quantity, total, last_position) SELECT * FROM unnest(@ids, @counts, @quantities, @totals, @positions) ON CONFLICT (id) DO UPDATE SET {set}");
            var list = deltas.ToList();
            ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = list.Select(d => d.Key).ToArray() });
            ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = list.Select(d => (long)d.Value.Sum.Count).ToArray() });
            ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter("quantities", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = list.Select(d => d.Value.Sum.Quantity).ToArray() });
            ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter("totals", NpgsqlDbType.Array | NpgsqlDbType.Numeric) { Value = list.Select(d => d.Value.Sum.Total).ToArray() });
            ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter("positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = list.Select(d => d.Value.Position).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var upsert = context.CreateCommand(
            $"INSERT INTO {table} AS t (id, count, quantity, total, last_position) VALUES (@id, @count, @quantity, @total, @position) ON CONFLICT (id) DO UPDATE SET {set}");
        DbParameter id = ProjectionContext.AddParameter(upsert, "@id", string.Empty);
        DbParameter count = ProjectionContext.AddParameter(upsert, "@count", 0L);
        DbParameter quantity = ProjectionContext.AddParameter(upsert, "@quantity", 0L);
        DbParameter total = ProjectionContext.AddParameter(upsert, "@total", 0m);
        DbParameter position = ProjectionContext.AddParameter(upsert, "@position", 0L);
        foreach (var (key, (sum, at)) in deltas)
        {
            id.Value = key;
            count.Value = (long)sum.Count;
            quantity.Value = sum.Quantity;
            total.Value = sum.Total;
            position.Value = at;
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
