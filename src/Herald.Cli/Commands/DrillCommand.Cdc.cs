using System.CommandLine;
using System.Globalization;
using Herald.Cdc.Connector;
using Herald.Server;
using StackExchange.Redis;

namespace Herald.Cli.Commands;

internal sealed partial class DrillCommand
{
    /// <summary><c>herald drill cdc</c>: drill 3, an UPDATE in PostgreSQL captured and projected into Redis.</summary>
    private Command CreateCdcCommand()
    {
        var postgres = new Option<string>("--postgres") { Description = "Npgsql connection string of a PostgreSQL with wal_level=logical (the role needs REPLICATION)", HelpName = "CONNECTION", Required = true };
        var redis = new Option<string>("--redis") { Description = "Redis address", HelpName = "HOST:PORT", Required = true };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Broker to use; default: start an embedded Herald broker for the drill", HelpName = "HOST:PORT" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("cdc", "Drill 3, change data capture: capture an UPDATE on an orders table in PostgreSQL and watch its Redis projection change, with the commit-to-Redis latency")
        {
            postgres, redis, bootstrap, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var redisAddress = result.GetValue(redis)!;
            var broker = result.GetValue(bootstrap);
            if (broker is not null)
            {
                _ = Endpoint.Parse(broker, "--bootstrap");
            }

            _ = Endpoint.Parse(redisAddress, "--redis");
            return await RunCdcDrillAsync(result.GetValue(postgres)!, redisAddress, broker, result.GetValue(json), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private async Task<int> RunCdcDrillAsync(string postgres, string redisAddress, string? bootstrap, bool json, CancellationToken cancellationToken)
    {
        if (!json)
        {
            Heading("Drill 3: change data capture, PostgreSQL → Herald → Redis projection");
        }

        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync($"{redisAddress},abortConnect=true,connectTimeout=5000").ConfigureAwait(false);
        }
        catch (RedisConnectionException e)
        {
            throw new CliException($"cannot reach Redis at {redisAddress}: {e.Message.Split('\n')[0]}", e);
        }

        using (redis)
        {
            HeraldServer? embedded = null;
            var data = Path.Combine(Path.GetTempPath(), "herald-drill-cdc-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                if (bootstrap is null)
                {
                    embedded = await StartEmbeddedHeraldAsync(data, cancellationToken).ConfigureAwait(false);
                    bootstrap = embedded.KafkaBootstrap;
                }

                var scenario = new CdcDrillScenario(postgres, redis, bootstrap);
                var outcome = await scenario.RunAsync((n, text) => { if (!json) { Step(n, text); } }, cancellationToken).ConfigureAwait(false);
                await ReportCdcAsync(outcome, bootstrap, embedded is not null, json).ConfigureAwait(false);
                return outcome.Passed ? HeraldCli.Success : HeraldCli.RuntimeFailure;
            }
            catch (CdcException e)
            {
                throw new CliException($"capture failed: {e.Message}", e);
            }
            catch (TimeoutException e)
            {
                throw new CliException($"drill timed out: {e.Message}", e);
            }
            finally
            {
                if (embedded is not null)
                {
                    await embedded.DisposeAsync().ConfigureAwait(false);
                    Directory.Delete(data, recursive: true);
                }
            }
        }
    }

    private async Task ReportCdcAsync(CdcDrillResult outcome, string bootstrap, bool embedded, bool json)
    {
        var latencyMs = Math.Round(outcome.Latency.TotalMilliseconds, 3);
        if (json)
        {
            await console.Out.WriteLineAsync(CliOutput.ToJsonLine(new
            {
                passed = outcome.Passed,
                bootstrap,
                embedded_broker = embedded,
                topic = outcome.Topic,
                redis_key = outcome.RedisKey,
                before = outcome.Before,
                after = outcome.After,
                lsn = outcome.Lsn,
                latency_ms = latencyMs,
            })).ConfigureAwait(false);
            return;
        }

        Step(4, $"{outcome.RedisKey} before the update: {Describe(outcome.Before)}");
        Step(5, $"{outcome.RedisKey} after the update:  {Describe(outcome.After)}");
        Verdict(outcome.Passed, outcome.Passed
            ? $"the projection followed the UPDATE (lsn {outcome.Lsn}) {latencyMs.ToString("0.###", CultureInfo.InvariantCulture)} ms after its commit, through {(embedded ? "an embedded Herald broker" : bootstrap)}"
            : "surprise: the Redis hash does not show the update");

        static string Describe(IReadOnlyDictionary<string, string> hash) =>
            hash.Count == 0 ? "(missing)" : string.Join(", ", hash.Select(f => $"{f.Key}={f.Value}"));
    }
}
