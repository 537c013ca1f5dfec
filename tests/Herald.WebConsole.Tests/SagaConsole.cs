using System.Data.Common;
using Herald.Cli;
using Herald.PostgreSql.Sagas;
using Herald.Publishing;
using Herald.Sagas;
using Herald.Server;
using Herald.Testing;
using Herald.WebConsole.Sagas;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.WebConsole.Tests;

/// <summary>
/// A Herald server whose console reads six saga sources, started once for the test run: <c>shop</c> (a SQLite file) and
/// <c>billing</c> (a PostgreSQL database), both filled by running <see cref="ConsoleOrderSaga"/> and its two services
/// through the SDK against that server — real consumers, the real outbox and relay; <c>notes</c> (SQLite) and
/// <c>ledger</c> (PostgreSQL), databases without saga tables; <c>gone</c>, a SQLite file that does not exist; and
/// <c>down</c>, a PostgreSQL address that refuses connections. The sources are opened by the CLI's own <c>--sagas</c>
/// parser, read-only.
/// </summary>
public sealed class SagaConsole
{
    /// <summary>How long ago the stuck order last changed: its step ran with the saga store's clock an hour back.</summary>
    public static readonly TimeSpan StuckAge = TimeSpan.FromHours(1);

    private static readonly Lazy<Task<SagaConsole>> Started = new(StartAsync);

    private SagaConsole(HeraldServer server, string suffix, string shopFile)
    {
        Server = server;
        Stuck = "slow-stuck-" + suffix;
        Fresh = "slow-fresh-" + suffix;
        Completed = "ok-" + suffix;
        Compensated = "nostock-" + suffix;
        Billed = "ok-billing-" + suffix;
        ShopFile = shopFile;
    }

    /// <summary>The server, shared by the saga tests.</summary>
    public static Task<SagaConsole> Shared => Started.Value;

    public HeraldServer Server { get; }

    public Uri BaseAddress => Server.HttpAddress;

    /// <summary>In shop: waiting for payment for an hour.</summary>
    public string Stuck { get; }

    /// <summary>In shop: waiting for payment since the seed ran.</summary>
    public string Fresh { get; }

    /// <summary>In shop: paid, reserved, completed.</summary>
    public string Completed { get; }

    /// <summary>In shop: paid, out of stock, refunded — two compensation steps, then cancelled.</summary>
    public string Compensated { get; }

    /// <summary>In billing (PostgreSQL): completed.</summary>
    public string Billed { get; }

    public string ShopFile { get; }

    private static async Task<SagaConsole> StartAsync()
    {
        var cluster = PostgresCluster.Shared;
        var folder = TestBroker.NewDataDirectory();
        var shop = Path.Combine(folder, "shop.db");
        var notes = Path.Combine(folder, "notes.db");
        await using (var connection = new SqliteConnection($"Data Source={notes};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)";
            await create.ExecuteNonQueryAsync();
        }

        var billing = await (await cluster).CreateDatabaseAsync("console_sagas");
        var ledger = await (await cluster).CreateDatabaseAsync("console_no_sagas");

        // Never disposed: the port must stay closed for as long as the shared server runs.
        var closed = new ClosedPort();
        SagaSource[] sources =
        [
            Open("sqlite:" + shop),
            Open("billing=postgres:" + billing),
            Open("sqlite:" + notes),
            Open("ledger=postgres:" + ledger),
            Open("sqlite:" + Path.Combine(folder, "gone.db")),
            Open($"down=postgres:Host=127.0.0.1;Port={closed.Port};Database=down;Username=herald;Timeout=3"),
        ];
        var server = await TestBroker.StartAsync(TestBroker.NewDataDirectory(), o => o with { Console = new ConsoleOptions { Sagas = sources } });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();

        var console = new SagaConsole(server, Guid.NewGuid().ToString("N")[..8], shop);
        await Task.WhenAll(console.RunShopAsync(), console.RunBillingAsync(billing));
        return console;
    }

    /// <summary>A source as <c>herald serve --sagas VALUE</c> opens it: SQLite read-only, PostgreSQL in read-only transactions.</summary>
    private static SagaSource Open(string value) =>
        SagaSourceOption.TryParse(value, out var spec, out var error) ? spec.Open() : throw new ArgumentException(error, nameof(value));

    /// <summary>
    /// The stuck order starts while the saga store's clock reads an hour ago, so its only step is stamped then; the clock is
    /// then put right and the other three run their course.
    /// </summary>
    private async Task RunShopAsync()
    {
        var clock = new ShiftedClock { Shift = -StuckAge };
        var database = $"Data Source={ShopFile};Pooling=False";
        await using var host = await StartHostAsync(o => o.UseSqlite(database).UseSagaStore(new SqliteSagaStore(database, SagaStoreOptions.Default with { TimeProvider = clock })));
        var store = new SqliteSagaStore(database);
        await host.PublishAsync(new OrderPlaced(Stuck, 10m));
        await WaitForStepAsync(store, Stuck, nameof(OrderStage.AwaitingPayment));
        clock.Shift = TimeSpan.Zero;

        await host.PublishAsync(new OrderPlaced(Completed, 30m));
        await host.PublishAsync(new OrderPlaced(Compensated, 20m));
        await WaitForStepAsync(store, Completed, nameof(OrderStage.Completed));
        await WaitForStepAsync(store, Compensated, nameof(OrderStage.Cancelled));

        // Last, so it is the most recently changed running instance.
        await host.PublishAsync(new OrderPlaced(Fresh, 5m));
        await WaitForStepAsync(store, Fresh, nameof(OrderStage.AwaitingPayment));
    }

    private async Task RunBillingAsync(string connectionString)
    {
        await using var host = await StartHostAsync(o => o.UsePostgreSql(connectionString));
        await using var store = new PostgreSqlSagaStore(connectionString);
        await host.PublishAsync(new OrderPlaced(Billed, 42m));
        await WaitForStepAsync(store, Billed, nameof(OrderStage.Completed));
    }

    /// <summary>The saga and the payment and stock services in one SDK host on a topic of their own.</summary>
    private async Task<SagaHost> StartHostAsync(Action<HeraldOptionsBuilder> database)
    {
        var topic = TestBroker.UniqueName("orders");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddHerald(o =>
            {
                o.Bootstrap(Server.KafkaBootstrap);
                database(o);
                o.Topic<OrderPlaced>(topic).Topic<ChargeRequested>(topic).Topic<ChargeSucceeded>(topic).Topic<StockRequested>(topic)
                    .Topic<StockReserved>(topic).Topic<StockUnavailable>(topic).Topic<OrderAborted>(topic).Topic<ChargeRefunded>(topic);
            })
            .AddSaga<ConsoleOrderSaga>(topic, TestBroker.UniqueName("order-saga"))
            .AddConsumer<ChargeService>(topic, TestBroker.UniqueName("payments"))
            .AddConsumer<StockService>(topic, TestBroker.UniqueName("stock"));
        var host = builder.Build();
        await host.StartAsync();
        return new SagaHost(host);
    }

    private static async Task WaitForStepAsync(ISagaQuery store, string id, string step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? seen = null;
        while (seen != step)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"order {id} is in step {seen ?? "(none)"}, not {step}");
            }

            await Task.Delay(50);
            try
            {
                seen = (await store.GetAsync(ConsoleOrderSaga.TypeName, id))?.Summary.Step;
            }
            catch (DbException)
            {
                // The host creates the saga tables as it starts; until then there is nothing to read.
            }
        }
    }

    private sealed class SagaHost(IHost host) : IAsyncDisposable
    {
        public Task PublishAsync<TEvent>(TEvent @event)
            where TEvent : notnull => host.Services.GetRequiredService<IEventPublisher>().PublishAsync(@event);

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    /// <summary>The system clock moved by <see cref="Shift"/>: what the saga store stamps rows with.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
