using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Orders.Services.Hosting;
using Orders.Services.Ordering;

namespace Herald.Cli.Drills;

/// <summary>
/// The Orders sample's three services as child processes of a drill (<c>herald drill service ...</c>), each with its own
/// SQLite file in the drill's folder, its own consumer group and static member id, on a topic of the drill's own.
/// </summary>
internal sealed partial class OrderFlowServices : IAsyncDisposable
{
    public const string Order = "order";
    public const string Payment = "payment";
    public const string Inventory = "inventory";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, DrillProcess> _running = [];
    private readonly Dictionary<string, string[]> _extraArguments;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <param name="directory">The drill's temporary folder: the services' databases go there.</param>
    /// <param name="bootstrap">The broker.</param>
    /// <param name="run">A short id of this drill run: names the topic and the groups, so runs never share them.</param>
    /// <param name="extraArguments">More options per service, e.g. <c>--saga-timeout 3s</c> for <see cref="Order"/>.</param>
    /// <param name="paymentsPostgres">A PostgreSQL connection string for the payment service instead of its SQLite file.</param>
    public OrderFlowServices(string directory, string bootstrap, string run, Dictionary<string, string[]> extraArguments, string? paymentsPostgres = null)
    {
        PaymentsPostgres = paymentsPostgres;
        Directory = directory;
        Bootstrap = bootstrap;
        Run = run;
        Topic = "drill-orders-" + run;
        _extraArguments = extraArguments;
    }

    public string Directory { get; }

    public string Bootstrap { get; }

    public string Run { get; }

    public string Topic { get; }

    /// <summary>The order service's HTTP address, known once it is ready.</summary>
    public Uri? OrderApi { get; private set; }

    public string OrdersDatabase => Path.Combine(Directory, "orders.db");

    public string PaymentsDatabase => Path.Combine(Directory, "payments.db");

    /// <summary>Where the payment service keeps its data when not in <see cref="PaymentsDatabase"/>.</summary>
    public string? PaymentsPostgres { get; }

    public string InventoryDatabase => Path.Combine(Directory, "inventory.db");

    /// <summary>Every process id each service ran as (a restart adds one), for the report and for checking none outlives the drill.</summary>
    public Dictionary<string, List<int>> ProcessIds { get; } = [];

    public IReadOnlyDictionary<string, DrillProcess> Running => _running;

    public static string GroupOf(string service, string run) => $"drill-{run}-{service}";

    public string GroupOf(string service) => GroupOf(service, Run);

    /// <summary>Starts the three services, then waits until each one's consumer has its partitions.</summary>
    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        foreach (var service in new[] { Order, Payment, Inventory })
        {
            Launch(service);
        }

        foreach (var service in new[] { Order, Payment, Inventory })
        {
            await WaitReadyAsync(service, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts <paramref name="service"/> again (same database, same member id) and waits until it consumes.</summary>
    public async Task RestartAsync(string service, CancellationToken cancellationToken)
    {
        if (_running.Remove(service, out var old))
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }

        Launch(service);
        await WaitReadyAsync(service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SIGKILL: the service dies with whatever it had in flight.</summary>
    public Task KillAsync(string service) => _running[service].KillAsync();

    /// <summary>Posts an order; returns the HTTP status and the order id when accepted (202).</summary>
    public async Task<(HttpStatusCode Status, Guid? OrderId)> PlaceOrderAsync(PlaceOrder order, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(OrderApi!, "orders"), order, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            return (response.StatusCode, null);
        }

        var accepted = await response.Content.ReadFromJsonAsync<Accepted>(cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, accepted?.OrderId);
    }

    /// <summary>The last lines of every service, for a failure message.</summary>
    public string Tails() => string.Join('\n', _running.Select(p => $"  {p.Key} (pid {p.Value.Id.ToString(CultureInfo.InvariantCulture)}{(p.Value.HasExited ? ", exited" : "")}):\n{p.Value.Tail(15)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _running.Values)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        _running.Clear();
        _http.Dispose();
    }

    private void Launch(string service)
    {
        var database = service switch
        {
            Order => OrdersDatabase,
            Payment => PaymentsDatabase,
            _ => InventoryDatabase,
        };
        List<string> arguments =
        [
            "drill", "service", service,
            "--bootstrap", Bootstrap,
            .. service == Payment && PaymentsPostgres is not null ? ["--postgres", PaymentsPostgres] : (string[])["--db", database],
            "--topic", Topic,
            "--group", GroupOf(service),
            "--exit-with", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        ];
        if (service == Order)
        {
            arguments.AddRange(["--http", "127.0.0.1:0"]);
        }

        arguments.AddRange(_extraArguments.GetValueOrDefault(service) ?? []);
        var process = DrillProcess.StartHerald(service, arguments);
        _running[service] = process;
        if (!ProcessIds.TryGetValue(service, out var ids))
        {
            ProcessIds[service] = ids = [];
        }

        ids.Add(process.Id);
    }

    private async Task WaitReadyAsync(string service, CancellationToken cancellationToken)
    {
        var process = _running[service];
        var ready = await process.WaitForLineAsync(l => l.Contains("service ready:", StringComparison.Ordinal), "its ready line", StartTimeout, cancellationToken).ConfigureAwait(false);
        if (service == Order)
        {
            OrderApi = new Uri(HttpAddress().Match(ready).Value + "/");
        }

        await WaitForAssignmentAsync(service, process, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the service's group is stable with every partition assigned: before that, an event can wait for a
    /// rebalance, and the inventory step's short timeout would fire on an order that was never late.
    /// </summary>
    private async Task WaitForAssignmentAsync(string service, DrillProcess process, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                var described = await admin.DescribeConsumerGroupsAsync([GroupOf(service)]).ConfigureAwait(false);
                var group = described.ConsumerGroupDescriptions.Single();
                var assigned = group.Members.Sum(m => m.Assignment?.TopicPartitions.Count(p => p.Topic == Topic) ?? 0);
                if (group.State == ConsumerGroupState.Stable && assigned == OrderFlowHosting.Partitions)
                {
                    return;
                }
            }
            catch (KafkaException) when (DateTime.UtcNow < deadline)
            {
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{service} service did not get its partitions of {Topic}:\n{process.Tail()}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    [GeneratedRegex(@"http://[^\s,]+")]
    private static partial Regex HttpAddress();

    private sealed record Accepted(Guid OrderId);
}
