using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Herald.EventStore;
using Herald.EventStore.Aggregates;
using Herald.EventStore.Serialization;
using Herald.EventStore.Sqlite;

namespace Herald.Cli.Commands;

internal sealed partial class DrillCommand
{
    /// <summary><c>herald drill snapshots</c>: drill 2, restoring an aggregate with and without snapshots.</summary>
    private Command CreateSnapshotsCommand()
    {
        var events = new Option<int>("--events") { Description = "Events to store in the aggregate's stream", DefaultValueFactory = _ => 1000, HelpName = "N" };
        var every = new Option<int>("--every") { Description = "Snapshot every N events", DefaultValueFactory = _ => 100, HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("snapshots", "Drill 2, event sourcing: store 1000 events of one aggregate, restore it without and with a snapshot every 100 events, compare times and states")
        {
            events, every, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            int count = result.GetValue(events);
            int interval = result.GetValue(every);
            if (count < 1 || interval < 1)
            {
                throw CliException.BadInput("--events and --every must be at least 1");
            }

            var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "herald-drill-snapshots-" + Guid.NewGuid().ToString("N")[..8])).FullName;
            try
            {
                return await RunSnapshotsDrillAsync(Path.Combine(folder, "events.db"), count, interval, result.GetValue(json), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        });
        return command;
    }

    private async Task<int> RunSnapshotsDrillAsync(string database, int count, int every, bool json, CancellationToken cancellationToken)
    {
        var store = new SqliteEventStore($"Data Source={database}");
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var types = new EventTypeMap().Map<CartItemAdded>().Map<CartItemRemoved>();
        var plain = new AggregateRepository<ShoppingCart>(store, types, new SnapshotOptions { Every = 0 });
        var snapshotting = new AggregateRepository<ShoppingCart>(store, types, new SnapshotOptions { Every = every });
        const string stream = "cart-drill";

        if (!json)
        {
            Heading($"Drill 2: event sourcing with snapshots ({count} events, snapshot every {every})");
            Step(1, $"append {count} events to one shopping cart (SQLite event store, {every}-event batches, snapshots as they go)");
        }

        long version = 0;
        for (int i = 0; i < count; i += every)
        {
            var batch = Enumerable.Range(i, Math.Min(every, count - i))
                .Select(n => n % 5 == 4 ? (object)new CartItemRemoved($"sku-{n % 17}") : new CartItemAdded($"sku-{n % 17}", 1 + (n % 3), 1.5m + (n % 7)))
                .ToList();
            version = (await snapshotting.AppendAsync(stream, version, batch, cancellationToken).ConfigureAwait(false)).StreamVersion;
        }

        // Warm both paths once so JIT and page cache do not favour the second measurement.
        await plain.LoadAsync(stream, useSnapshots: false, cancellationToken).ConfigureAwait(false);
        await snapshotting.LoadAsync(stream, useSnapshots: true, cancellationToken).ConfigureAwait(false);

        var watch = Stopwatch.StartNew();
        var full = await plain.LoadAsync(stream, useSnapshots: false, cancellationToken).ConfigureAwait(false);
        var fullTime = watch.Elapsed;
        watch.Restart();
        var fast = await snapshotting.LoadAsync(stream, useSnapshots: true, cancellationToken).ConfigureAwait(false);
        var fastTime = watch.Elapsed;

        bool equal = full.Version == fast.Version && full.State.Describe() == fast.State.Describe();
        double ratio = fastTime.TotalMilliseconds > 0 ? fullTime.TotalMilliseconds / fastTime.TotalMilliseconds : double.PositiveInfinity;
        if (json)
        {
            await console.Out.WriteLineAsync(CliOutput.ToJsonLine(new
            {
                events = count,
                every,
                without_snapshots_ms = Math.Round(fullTime.TotalMilliseconds, 3),
                with_snapshots_ms = Math.Round(fastTime.TotalMilliseconds, 3),
                ratio = Math.Round(ratio, 1),
                events_folded_without = full.EventsFolded,
                events_folded_with = fast.EventsFolded,
                states_equal = equal,
            })).ConfigureAwait(false);
        }
        else
        {
            Step(2, $"restore without snapshots: folded {full.EventsFolded} events in {Ms(fullTime)}");
            Step(3, $"restore from the latest snapshot: folded {fast.EventsFolded} events after it in {Ms(fastTime)} ({ratio.ToString("0.0", CultureInfo.InvariantCulture)}x faster)");
            Verdict(equal, equal
                ? $"both restores give the same state at version {full.Version}: {full.State.Items.Count} distinct items, total {full.State.Total.ToString(CultureInfo.InvariantCulture)}"
                : "surprise: the two restores differ — a snapshot must never change the state");
        }

        return equal && fast.FromSnapshot ? HeraldCli.Success : HeraldCli.RuntimeFailure;

        static string Ms(TimeSpan t) => $"{t.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture)} ms";
    }

    private sealed record CartItemAdded(string Sku, int Quantity, decimal Price);

    private sealed record CartItemRemoved(string Sku);

    /// <summary>The drill's aggregate: a shopping cart folded from its events.</summary>
    private sealed class ShoppingCart : IAggregate
    {
        public Dictionary<string, int> Items { get; set; } = [];

        public decimal Total { get; set; }

        /// <summary>The state as text with the items in a fixed order, for comparing two restores.</summary>
        public string Describe() =>
            $"{Total.ToString(CultureInfo.InvariantCulture)}|{string.Join(',', Items.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}={i.Value}"))}";

        public void Apply(object @event)
        {
            switch (@event)
            {
                case CartItemAdded added:
                    Items[added.Sku] = Items.GetValueOrDefault(added.Sku) + added.Quantity;
                    Total += added.Quantity * added.Price;
                    break;
                case CartItemRemoved removed:
                    Items.Remove(removed.Sku);
                    break;
            }
        }
    }
}
