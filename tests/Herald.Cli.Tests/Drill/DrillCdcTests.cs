using System.Text.Json;
using Herald.Testing;

namespace Herald.Cli.Tests.Drill;

public sealed class DrillCdcTests
{
    [Fact]
    public async Task The_cdc_drill_projects_the_update_into_redis_through_an_embedded_broker()
    {
        var postgres = await (await PostgresCluster.Shared).CreateDatabaseAsync("drillcdc");
        var redis = await RedisServer.Shared;

        var run = await CliRun.RunAsync(["drill", "cdc", "--postgres", postgres, "--redis", redis.EndPoint, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        var root = result.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.True(root.GetProperty("embedded_broker").GetBoolean());
        Assert.Equal("pending", root.GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("paid", root.GetProperty("after").GetProperty("status").GetString());
        Assert.Equal("u", root.GetProperty("after").GetProperty("__op").GetString());
        Assert.True(root.GetProperty("lsn").GetUInt64() > ulong.Parse(root.GetProperty("before").GetProperty("__lsn").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(root.GetProperty("latency_ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task The_cdc_drill_runs_against_a_given_broker_and_cleans_up_after_itself()
    {
        var postgres = await (await PostgresCluster.Shared).CreateDatabaseAsync("drillcdc");
        var redis = await RedisServer.Shared;
        var broker = await TestBroker.Shared;

        var run = await CliRun.RunAsync(["drill", "cdc", "--postgres", postgres, "--redis", redis.EndPoint, "--bootstrap", broker.KafkaBootstrap]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("status=paid", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("ms after its commit", run.Stdout, StringComparison.Ordinal);
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var slots = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()", connection);
        Assert.Equal(0L, (long)(await slots.ExecuteScalarAsync())!);
        await using var schema = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = 'herald_drill'", connection);
        Assert.Equal(0L, (long)(await schema.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Missing_options_are_usage_errors()
    {
        var run = await CliRun.RunAsync(["drill", "cdc", "--postgres", "Host=127.0.0.1"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--redis", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_redis_is_a_runtime_failure_that_says_so()
    {
        using var closed = new ClosedPort();
        var run = await CliRun.RunAsync(["drill", "cdc", "--postgres", "Host=127.0.0.1", "--redis", closed.EndPoint]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot reach Redis", run.Stderr, StringComparison.Ordinal);
    }
}
