using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Herald.Server.Tests.Deploy;
using Herald.Testing;

namespace Herald.Server.Tests.Monitoring;

/// <summary>
/// Debian's real Prometheus scraping a real Herald every second with the shipped rules: the exposition passes
/// <c>promtool check metrics</c>, every dashboard expression returns data after a workload, and the lag alert goes from
/// inactive to firing as a stopped group falls behind, then resolves when it catches up.
/// </summary>
public sealed partial class LivePrometheusTests(LivePrometheusTests.Rig rig) : IClassFixture<LivePrometheusTests.Rig>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_scrape_passes_promtool_check_metrics()
    {
        using var http = new HttpClient { BaseAddress = rig.Herald.HttpAddress };
        var exposition = await http.GetStringAsync("/metrics");
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "scrape.prom");
        await File.WriteAllTextAsync(file, exposition);

        // promtool reads the exposition from stdin.
        var run = await RunShellAsync($"{Promtool.Find()} check metrics < '{file}'");

        Assert.True(run.ExitCode == 0, run + "\n" + exposition);
        Assert.Contains("herald_consumer_group_lag_seconds{", exposition, StringComparison.Ordinal);
        Assert.Contains("herald_dlq_depth_messages{", exposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_dashboard_expression_and_recording_rule_returns_data_after_a_workload()
    {
        var expressions = DashboardExpressions().Select(Promql.WithGrafanaVariablesReplaced)
            .Concat(["topic_messages_per_sec", "consumer_lag_max"])
            .ToList();
        var empty = expressions;
        var deadline = DateTime.UtcNow + Patience;
        while (empty.Count > 0 && DateTime.UtcNow < deadline)
        {
            await rig.WorkAsync();
            var still = new List<string>();
            foreach (var expression in empty)
            {
                var result = await rig.Prometheus.QueryAsync(expression);
                if (result.GetArrayLength() == 0)
                {
                    still.Add(expression);
                }
            }

            empty = still;
        }

        Assert.True(empty.Count == 0, "no data from:\n" + string.Join('\n', empty));
    }

    [Fact]
    public async Task The_lag_alert_fires_while_a_stopped_group_is_behind_and_resolves_when_it_catches_up()
    {
        var topic = TestBroker.UniqueName("alerted");
        var group = TestBroker.UniqueName("stopped");
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = rig.Herald.KafkaBootstrap }).Build();
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "first" });
        Commit(group, topic, 1);
        await WaitForStateAsync(group, null, "HeraldConsumerLagHigh to be inactive while the group is caught up");

        for (var i = 0; i < Rig.LagThreshold + 5; i++)
        {
            producer.Produce(topic, new Message<string, string> { Key = "k", Value = "pending " + i });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
        var seen = await WaitForStateAsync(group, "firing", "HeraldConsumerLagHigh to fire for the stopped group");
        Assert.Contains("pending", seen);

        Commit(group, topic, Rig.LagThreshold + 6);
        await WaitForStateAsync(group, null, "HeraldConsumerLagHigh to resolve after the group caught up");
    }

    /// <summary>Polls the alert's state for <paramref name="group"/> until it is <paramref name="wanted"/> (null = inactive); returns every state seen.</summary>
    private async Task<List<string?>> WaitForStateAsync(string group, string? wanted, string what)
    {
        var seen = new List<string?>();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var alerts = await rig.Prometheus.GetAlertsAsync();
            var state = alerts.EnumerateArray()
                .Where(a => a.GetProperty("labels").GetProperty("alertname").GetString() == "HeraldConsumerLagHigh"
                    && a.GetProperty("labels").TryGetProperty("group", out var g) && g.GetString() == group)
                .Select(a => a.GetProperty("state").GetString())
                .FirstOrDefault();
            if (seen.Count == 0 || seen[^1] != state)
            {
                seen.Add(state);
            }

            if (state == wanted)
            {
                return seen;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}; states seen: {string.Join(", ", seen.Select(s => s ?? "inactive"))}");
    }

    private void Commit(string group, string topic, long offset)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = rig.Herald.KafkaBootstrap, GroupId = group }).Build();
        consumer.Commit([new TopicPartitionOffset(topic, 0, offset)]);
    }

    private static List<string> DashboardExpressions()
    {
        using var dashboard = System.Text.Json.JsonDocument.Parse(Repository.ReadText("deploy/grafana/herald-dashboard.json"));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))];
    }

    private static async Task<ToolRun> RunShellAsync(string command)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new ToolRun(command, process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A dedicated Herald and a Prometheus scraping it every second with the shipped rules (lag threshold lowered).</summary>
    public sealed partial class Rig : IAsyncLifetime
    {
        public const int LagThreshold = 10;

        private readonly string _topic = TestBroker.UniqueName("traffic");
        private readonly string _subject = TestBroker.UniqueName("subject") + "-value";
        private IConsumer<Ignore, Ignore>? _member;
        private IProducer<string, string>? _producer;
        private int _round;

        public HeraldServer Herald { get; private set; } = null!;

        public PrometheusServer Prometheus { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Herald = await TestBroker.StartAsync(TestBroker.NewDataDirectory());
            var alerts = ForLine().Replace(Repository.ReadText("deploy/prometheus/herald-alerts.yml").Replace(
                "sum by (group) (herald_consumer_group_lag_messages) > 1000", $"sum by (group) (herald_consumer_group_lag_messages) > {LagThreshold}", StringComparison.Ordinal), "${indent}for: 2s");
            Prometheus = await PrometheusServer.StartAsync(
                $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [herald-rules.yml, herald-alerts.yml]
                scrape_configs:
                  - job_name: herald
                    static_configs:
                      - targets: ['{Herald.HttpAddress.Host}:{Herald.HttpAddress.Port}']
                """,
                new Dictionary<string, string>
                {
                    ["herald-rules.yml"] = Repository.ReadText("deploy/prometheus/herald-rules.yml"),
                    ["herald-alerts.yml"] = alerts,
                });
            _producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = Herald.KafkaBootstrap }).Build();
            _member = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = Herald.KafkaBootstrap,
                GroupId = TestBroker.UniqueName("reader"),
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = false,
            }).Build();
            using var http = new HttpClient { BaseAddress = Herald.RegistryAddress };
            var first = await http.PostAsJsonAsync($"/subjects/{_subject}/versions", new { schema = """{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}""" });
            first.EnsureSuccessStatusCode();
            await WorkAsync();
        }

        /// <summary>One round of traffic: records in and out, a dead letter, a refused schema and a commit behind the end.</summary>
        public async Task WorkAsync()
        {
            _round++;
            for (var i = 0; i < 5; i++)
            {
                await _producer!.ProduceAsync(_topic, new Message<string, string> { Key = "k" + i, Value = "v" });
            }

            await _producer!.ProduceAsync(_topic + ".dlq", new Message<string, string> { Key = "dead", Value = "letter " + _round });
            if (_round == 1)
            {
                _member!.Subscribe(_topic);
            }

            var read = 0;
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (read < 3 && DateTime.UtcNow < until)
            {
                if (_member!.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
                {
                    read++;
                    _member.Commit(record);
                }
            }

            using var http = new HttpClient { BaseAddress = Herald.RegistryAddress };
            var refused = await http.PostAsJsonAsync($"/subjects/{_subject}/versions", new { schema = $$"""{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"required{{_round}}","type":"string"}]}""" });
            Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
            await Task.Delay(1100);
        }

        public async Task DisposeAsync()
        {
            _member?.Close();
            _member?.Dispose();
            _producer?.Dispose();
            await Prometheus.DisposeAsync();
            await Herald.DisposeAsync();
        }

        [GeneratedRegex(@"(?m)^(?<indent>\s*)for:\s*\S+")]
        private static partial Regex ForLine();
    }
}
