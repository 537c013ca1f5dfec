using System.Diagnostics.Metrics;
using Herald;
using Herald.Consuming;
using Herald.Contracts;
using Herald.Outbox;
using Herald.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Herald in a service collection: <c>services.AddHerald(o =&gt; o.Bootstrap(...).UseSqlite(...)).AddConsumer&lt;THandler&gt;(...)</c>.</summary>
public static class HeraldServiceCollectionExtensions
{
    /// <summary>
    /// Adds the publisher (<see cref="IEventPublisher"/>), the contracts and the consumer host; with an outbox store
    /// (<c>UseSqlite</c>, <c>UsePostgreSql</c>, <c>UseOutbox</c>) also <see cref="IOutbox"/>, the <see cref="IOutboxStore"/>
    /// and the <see cref="OutboxRelay"/> (a hosted service).
    /// </summary>
    public static HeraldBuilder AddHerald(this IServiceCollection services, Action<HeraldOptionsBuilder> configure)
    {
        var builder = new HeraldOptionsBuilder();
        configure(builder);
        services.AddSingleton(builder.Options);
        services.AddSingleton(sp => new EventContracts(sp.GetService<ILogger<EventContracts>>()));
        services.AddSingleton(sp => new EventPublisher(sp.GetRequiredService<HeraldOptions>(), sp.GetRequiredService<EventContracts>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<EventPublisher>());
        if (builder.Options.Outbox is { } outbox)
        {
            services.AddSingleton(outbox);
            services.AddSingleton(sp => new OutboxRelay(outbox, sp.GetRequiredService<HeraldOptions>(), sp.GetService<ILogger<OutboxRelay>>(), sp.GetService<IMeterFactory>()));
            services.AddSingleton<IOutbox>(sp => new TransactionalOutbox(outbox, sp.GetRequiredService<HeraldOptions>(), sp.GetRequiredService<EventContracts>(), sp.GetRequiredService<OutboxRelay>()));

            // Before the consumer host: the relay's start creates the outbox tables before any handler can enqueue.
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<OutboxRelay>());
        }

        services.AddSingleton(sp => new ConsumerMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<ConsumerHost>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ConsumerHost>());
        return new HeraldBuilder(services);
    }
}

/// <summary>Adds consumers after <c>AddHerald</c>.</summary>
public sealed class HeraldBuilder
{
    internal HeraldBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    /// <summary>
    /// Runs <typeparamref name="THandler"/> (which implements <see cref="IEventHandler{TEvent}"/> for one or more contracts)
    /// on <paramref name="topic"/> in consumer group <paramref name="group"/>.
    /// </summary>
    public HeraldBuilder AddConsumer<THandler>(string topic, string group, Action<Herald.Consuming.ConsumerBuilder>? configure = null)
        where THandler : class
    {
        var registration = new ConsumerRegistration(typeof(THandler), topic, group);
        configure?.Invoke(new Herald.Consuming.ConsumerBuilder(registration));
        Services.AddScoped<THandler>();
        Services.AddSingleton(registration);
        return this;
    }
}
