using Herald.Broker.Log;
using Herald.Broker.Tests.Groups;
using Herald.Server;
using Herald.Testing;

namespace Herald.Broker.Tests.Monitoring;

/// <summary>A real Herald server whose logs stamp append times from a manual clock, so lag in seconds can be asserted exactly.</summary>
public sealed class ClockedBroker : IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    internal ManualTimeProvider Clock { get; } = new();

    public string DataDirectory { get; } = TestBroker.NewDataDirectory();

    public HeraldServer Server { get; private set; } = null!;

    public string Bootstrap => Server.KafkaBootstrap;

    public async Task InitializeAsync()
    {
        Clock.Advance(Start - Clock.GetUtcNow());
        Server = await StartAsync();
    }

    /// <summary>Stops the server and starts a new one over the same data folder and clock.</summary>
    public async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = await StartAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private Task<HeraldServer> StartAsync() => TestBroker.StartAsync(DataDirectory, o => o with { Log = new LogOptions { Clock = Clock } });
}
