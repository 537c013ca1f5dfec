using System.Globalization;
using Confluent.Kafka;
using Herald.Broker;
using Microsoft.Extensions.Logging;

namespace Herald.WebConsole.Kafka;

/// <summary>
/// The console's one Kafka producer, connected to this server's own Kafka listener: what the console writes (redriven
/// records, audit records) goes through the same produce path, idempotence and acks as any client's.
/// </summary>
/// <remarks>
/// Created on first use, because the listener's port is known only once the server has bound it. acks=all and
/// idempotent: a retried send never duplicates a redriven record. With <c>--auth</c> it logs in as the broker's
/// in-memory internal user (<see cref="KafkaBroker.InternalLogin"/>).
/// </remarks>
internal sealed partial class ConsoleProducer(KafkaBroker broker, ILogger<ConsoleProducer> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private IProducer<byte[], byte[]>? _producer;

    /// <summary>The producer, created on first use.</summary>
    public IProducer<byte[], byte[]> Producer
    {
        get
        {
            lock (_gate)
            {
                return _producer ??= Create();
            }
        }
    }

    /// <summary><c>host:port</c> of the listener the producer connects to (brackets around an IPv6 host).</summary>
    public string Bootstrap
    {
        get
        {
            var (host, port) = broker.AdvertisedListener;
            var text = port.ToString(CultureInfo.InvariantCulture);
            return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{text}" : $"{host}:{text}";
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _producer?.Dispose();
            _producer = null;
        }
    }

    private IProducer<byte[], byte[]> Create()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = Bootstrap,
            ClientId = "herald-console",
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 30_000,
            SocketConnectionSetupTimeoutMs = 10_000,
        };
        if (broker.InternalLogin is { } login)
        {
            config.SecurityProtocol = SecurityProtocol.SaslPlaintext;
            config.Set("sasl.mechanisms", login.Mechanism);
            config.SaslUsername = login.User;
            config.SaslPassword = login.Password;
        }

        return new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, message) => LogClient(logger, message.Name, message.Message))
            .SetErrorHandler((_, error) => LogError(logger, error.Code.ToString(), error.Reason))
            .Build();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Console producer {Client}: {Message}")]
    private static partial void LogClient(ILogger logger, string client, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Console producer error {Code}: {Reason}")]
    private static partial void LogError(ILogger logger, string code, string reason);
}
