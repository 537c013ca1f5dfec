using Microsoft.Extensions.Hosting;

namespace Herald.EventStore.Forwarding;

/// <summary>Runs an <see cref="EventForwarder"/> for the lifetime of the host.</summary>
public sealed class EventForwarderHostedService : BackgroundService
{
    /// <param name="forwarder">The forwarder to run; the service disposes it.</param>
    public EventForwarderHostedService(EventForwarder forwarder)
    {
        Forwarder = forwarder;
    }

    /// <summary>The forwarder this service runs (for its checkpoint).</summary>
    public EventForwarder Forwarder { get; }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Forwarder.RunAsync(stoppingToken);

    /// <inheritdoc />
    public override void Dispose()
    {
        Forwarder.Dispose();
        base.Dispose();
    }
}
