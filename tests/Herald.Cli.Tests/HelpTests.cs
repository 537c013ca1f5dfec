namespace Herald.Cli.Tests;

public sealed class HelpTests
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "", ["serve", "topic", "produce", "consume", "schema", "drill", "dlq", "groups", "lag", "replay", "projections", "cdc", "sagas", "outbox", "users"] },
        { "serve", ["--data", "--kafka", "--registry", "--http", "--fsync", "--no-auto-create-topics", "--partitions", "--auth", "--admin-user", "HERALD_ADMIN_PASSWORD", "--session-lifetime", "--sagas"] },
        { "topic", ["create", "list", "describe"] },
        { "topic create", ["<name>", "--partitions", "--config", "--bootstrap", "-X", "--client-config"] },
        { "topic list", ["--json", "--bootstrap", "-X", "--client-config"] },
        { "topic describe", ["<name>", "--json", "--bootstrap", "-X", "--client-config"] },
        { "produce", ["<topic>", "--key-separator", "--partition", "--acks", "--json", "--bootstrap", "-X", "--client-config"] },
        { "consume", ["<topic>", "--group", "--from-beginning", "--count", "--timeout", "--print-key", "--json", "--bootstrap", "-X", "--client-config"] },
        { "schema", ["register", "check", "diff"] },
        { "schema register", ["<subject>", "<file>", "--type", "--registry", "--json"] },
        { "schema check", ["--against", "--mode", "--policy", "--type", "--registry", "--json"] },
        { "schema diff", ["<old>", "<new>", "--type", "--policy", "--json"] },
        { "drill", ["schema", "snapshots", "cdc", "lag-dlq", "saga", "outage"] },
        { "drill saga", ["--bootstrap", "--saga-timeout", "--scenario", "--step-timeout", "--json"] },
        { "drill outage", ["--bootstrap", "--outage", "--rate", "--step-timeout", "--json"] },
        { "drill schema", ["--dir", "--keep"] },
        { "drill snapshots", ["--events", "--every", "--json"] },
        { "dlq", ["list", "show", "redrive", "discard"] },
        { "dlq list", ["<topic>", "--limit", "--json", "--bootstrap", "-X", "--client-config"] },
        { "dlq show", ["<topic>", "<offset>", "--partition", "--json", "--bootstrap", "-X", "--client-config"] },
        { "dlq redrive", ["<topic>", "--offset", "--partition", "--all", "--reason", "--json", "--bootstrap", "-X", "--client-config"] },
        { "dlq discard", ["<topic>", "--offset", "--partition", "--all", "--reason", "--json", "--bootstrap", "-X", "--client-config"] },
        { "groups", ["list", "describe", "reset-offsets", "delete"] },
        { "groups list", ["--json", "--http"] },
        { "groups describe", ["<group>", "--json", "--http"] },
        { "groups reset-offsets", ["<group>", "--topic", "--to-earliest", "--to-latest", "--to-datetime", "--shift-by", "--execute", "--json", "--bootstrap", "-X", "--client-config"] },
        { "groups delete", ["<group>", "--json", "--bootstrap", "-X", "--client-config"] },
        { "lag", ["--group", "--topic", "--watch", "--interval", "--max-lag", "--max-lag-seconds", "--json", "--http"] },
        { "replay", ["--sqlite", "--postgres", "--topic", "--from", "--to", "--stream-prefix", "--type", "--execute", "--json", "--bootstrap", "-X", "--client-config"] },
        { "projections", ["status", "resume"] },
        { "projections status", ["--sqlite", "--postgres", "--json"] },
        { "projections resume", ["<name>", "--sqlite", "--postgres"] },
        { "cdc", ["run", "status"] },
        { "cdc run", ["--postgres", "--tables", "--prefix", "--bootstrap", "--slot", "--publication", "--schemas", "--no-snapshot", "--unwrap", "--unwrap-config", "-X", "--client-config"] },
        { "cdc status", ["--postgres", "--slot", "--prefix", "--json"] },
        { "sagas", ["list", "show"] },
        { "sagas list", ["--type", "--state", "--stuck-for", "--limit", "--json", "--sqlite", "--postgres"] },
        { "sagas show", ["<type>", "<id>", "--json", "--sqlite", "--postgres"] },
        { "outbox", ["status"] },
        { "users", ["add", "list", "delete"] },
        { "users add", ["<name>", "--mechanism", "--iterations", "--password-stdin", "--bootstrap", "-X", "--client-config"] },
        { "users list", ["--json", "--bootstrap", "-X", "--client-config"] },
        { "users delete", ["<name>", "--bootstrap", "-X", "--client-config"] },
        { "outbox status", ["--sqlite", "--postgres", "--table-prefix", "--json"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_exits_zero_and_lists_every_option(string command, string[] expected)
    {
        var run = await CliRun.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stderr);
        Assert.Contains("Description:", run.Stdout, StringComparison.Ordinal);
        foreach (var option in expected)
        {
            Assert.Contains(option, run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Lag_api_options_default_to_the_local_http_listener_and_hide_the_test_only_rounds()
    {
        var run = await CliRun.RunAsync(["lag", "--help"]);

        Assert.Contains("Herald's HTTP listener (metrics and lag API) [default: http://127.0.0.1:8080]", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("--rounds", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_command_the_order_drills_start_their_processes_with_is_hidden()
    {
        var run = await CliRun.RunAsync(["drill", "--help"]);

        Assert.Contains("saga", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(run.StdoutLines, l => l.StartsWith("service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Broker_options_default_to_the_local_broker()
    {
        var run = await CliRun.RunAsync(["produce", "--help"]);

        Assert.Contains("127.0.0.1:9092", run.Stdout, StringComparison.Ordinal);
    }
}
