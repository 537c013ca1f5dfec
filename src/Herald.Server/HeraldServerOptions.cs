using Herald.Broker.Log;
using Herald.Broker.Security;
using Microsoft.Extensions.Logging;

namespace Herald.Server;

/// <summary>Everything <c>herald serve</c> can be told; the defaults run Herald with nothing to set up.</summary>
public sealed record HeraldServerOptions
{
    /// <summary>Where topics, offsets and schemas are kept. Default <c>./herald-data</c>.</summary>
    public string DataDirectory { get; init; } = "./herald-data";

    /// <summary>The Kafka listener, HOST:PORT. Port 0 picks a free port. Default 127.0.0.1:9092.</summary>
    public string KafkaListen { get; init; } = "127.0.0.1:9092";

    /// <summary>The schema registry listener, HOST:PORT. Default 127.0.0.1:8081.</summary>
    public string RegistryListen { get; init; } = "127.0.0.1:8081";

    /// <summary>The HTTP listener for health, metrics and the console, HOST:PORT. Default 127.0.0.1:8080.</summary>
    public string HttpListen { get; init; } = "127.0.0.1:8080";

    /// <summary><c>auto.create.topics.enable</c>: create a topic the first time a client names it. Default true.</summary>
    public bool AutoCreateTopics { get; init; } = true;

    /// <summary><c>num.partitions</c>: partitions of an auto-created topic. Default 1, as in Kafka.</summary>
    public int DefaultPartitions { get; init; } = 1;

    /// <summary>Defaults for every partition log; topic configs override them.</summary>
    public LogOptions Log { get; init; } = new();

    /// <summary>The largest request frame accepted (<c>socket.request.max.bytes</c>). Default 100 MiB.</summary>
    public int MaxRequestBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary><c>group.initial.rebalance.delay.ms</c>. Default 3000 as in Kafka; tests lower it.</summary>
    public int InitialRebalanceDelayMs { get; init; } = 3000;

    /// <summary>
    /// SASL on the Kafka listener (<c>herald serve --auth</c>) and the first administrator (<c>--admin-user</c>).
    /// Default: off, as Kafka's PLAINTEXT listener; the registry and the console are not covered yet.
    /// </summary>
    public AuthenticationOptions Authentication { get; init; } = new();

    /// <summary><c>advertised.listeners</c> host: what Metadata tells clients to connect to. Default: the listen host.</summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>How the web console samples the history behind its charts.</summary>
    public Herald.WebConsole.ConsoleOptions Console { get; init; } = new();

    /// <summary>Adjusts logging (providers, levels); the default logs one line per event to the console.</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
