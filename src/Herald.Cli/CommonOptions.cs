using System.CommandLine;

namespace Herald.Cli;

/// <summary>The options shared by every command that talks to a broker or a registry.</summary>
/// <remarks>Each call returns a new option, so every command owns its own instance.</remarks>
internal static class CommonOptions
{
    public const string DefaultBootstrap = "127.0.0.1:9092";
    public const string DefaultRegistry = "http://127.0.0.1:8081";
    public const string DefaultHttp = "http://127.0.0.1:8080";

    public static Option<string> Bootstrap() => new("--bootstrap", "-b")
    {
        Description = "Broker address, HOST:PORT (comma-separated for several)",
        HelpName = "HOST:PORT",
        DefaultValueFactory = _ => DefaultBootstrap,
    };

    /// <summary>kcat's <c>-X</c>: one librdkafka property per use, applied to every client the command creates.</summary>
    public static Option<string[]> ClientProperty() => new("-X")
    {
        Description = "A librdkafka client property, e.g. -X security.protocol=SASL_PLAINTEXT (repeatable; overrides --client-config)",
        HelpName = "KEY=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Kafka's <c>--command-config</c>: a properties file applied to every client the command creates.</summary>
    public static Option<FileInfo?> ClientConfig() => new("--client-config")
    {
        Description = "A properties file of client settings (security.protocol, sasl.mechanism, sasl.username, ...; sasl.jaas.config is understood)",
        HelpName = "FILE",
    };

    public static Option<string> Registry() => new("--registry")
    {
        Description = "Schema registry base URL",
        HelpName = "URL",
        DefaultValueFactory = _ => DefaultRegistry,
    };

    public static Option<string> Http() => new("--http")
    {
        Description = "Herald's HTTP listener (metrics and lag API)",
        HelpName = "URL",
        DefaultValueFactory = _ => DefaultHttp,
    };

    public static Option<bool> Json(string description = "Machine-readable JSON on stdout") => new("--json")
    {
        Description = description,
    };
}
