using System.CommandLine;

namespace Herald.Cli.Kafka;

/// <summary>
/// The options every command that talks to a broker takes: <c>--bootstrap</c>, <c>-X key=value</c> and
/// <c>--client-config FILE</c>; <see cref="CreateClients"/> turns them into the one <see cref="KafkaClients"/> that
/// builds every producer, consumer and admin client of the command.
/// </summary>
internal sealed class BrokerConnectionOptions
{
    public Option<string> Bootstrap { get; } = CommonOptions.Bootstrap();

    public Option<string[]> Properties { get; } = CommonOptions.ClientProperty();

    public Option<FileInfo?> ConfigFile { get; } = CommonOptions.ClientConfig();

    /// <summary>Adds the three options to <paramref name="command"/>, after its own.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Bootstrap);
        command.Options.Add(Properties);
        command.Options.Add(ConfigFile);
    }

    /// <summary>The client properties given (file first, then <c>-X</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, string> ClientProperties(ParseResult result) =>
        Kafka.ClientProperties.From(result.GetValue(ConfigFile), result.GetValue(Properties));

    public KafkaClients CreateClients(ParseResult result) => new(result.GetValue(Bootstrap)!, ClientProperties(result));
}
