using System.Diagnostics.Metrics;
using Herald;
using Herald.Consuming;
using Herald.Contracts;
using Herald.Outbox;
using Herald.Publishing;
using Herald.Sagas;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>
    /// Runs saga <typeparamref name="TSaga"/> on the events of <paramref name="topic"/> in consumer group
    /// <paramref name="group"/>: each event is handled inside the inbox transaction, so the step's state, history,
    /// timeouts and published events (outbox rows) commit with the inbox row or not at all. Also starts the service that
    /// delivers the saga's due timeouts.
    /// </summary>
    /// <remarks>
    /// Needs a saga store in the inbox's database (<c>UseSqlite</c> and <c>UsePostgreSql</c> configure one) and, for
    /// <see cref="SagaContext.Publish{TEvent}"/>, the transactional outbox. Register a saga once per topic it reads; its
    /// definition is built here, so a wrong one fails at start-up with <see cref="SagaDefinitionException"/>.
    /// </remarks>
    public HeraldBuilder AddSaga<TSaga>(string topic, string group, Action<Herald.Consuming.ConsumerBuilder>? configure = null)
        where TSaga : SagaDefinition, new() =>
        AddSaga(Services.FirstOrDefault(d => d.ServiceType == typeof(TSaga))?.ImplementationInstance as TSaga ?? new TSaga(), topic, group, configure);

    /// <summary>
    /// Runs the saga <paramref name="definition"/> — an instance the application built, e.g. with a timeout from its
    /// configuration — on <paramref name="topic"/> in consumer group <paramref name="group"/>; otherwise as
    /// <see cref="AddSaga{TSaga}(string, string, Action{Herald.Consuming.ConsumerBuilder}?)"/>.
    /// </summary>
    public HeraldBuilder AddSaga<TSaga>(TSaga definition, string topic, string group, Action<Herald.Consuming.ConsumerBuilder>? configure = null)
        where TSaga : SagaDefinition
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(group);
        var existing = Services.FirstOrDefault(d => d.ServiceType == typeof(TSaga))?.ImplementationInstance as TSaga;
        if (existing is not null && !ReferenceEquals(existing, definition))
        {
            throw new InvalidOperationException($"saga {typeof(TSaga).Name} is already registered with another definition instance; register one instance and reuse it for every topic");
        }
        _ = definition.Name;
        var registration = new ConsumerRegistration($"saga {definition.Name}", typeof(SagaConsumer<TSaga>), topic, group, definition.EventTypes,
            static (handler, @event, context, cancellationToken) => ((SagaConsumer<TSaga>)handler).HandleAsync(@event, context, cancellationToken))
        {
            Prepare = static (options, cancellationToken) => SagaTables.EnsureCreatedAsync(SagaStoreOf(options), cancellationToken),
        };
        configure?.Invoke(new Herald.Consuming.ConsumerBuilder(registration));
        if (existing is null)
        {
            // Also as the base type: tools in the host (the web console) list the definitions and draw their diagrams.
            Services.AddSingleton(definition);
            Services.AddSingleton<SagaDefinition>(definition);
        }

        Services.TryAddScoped<SagaConsumer<TSaga>>();
        Services.TryAddSingleton(sp => new SagaMetrics(sp.GetService<IMeterFactory>()));
        Services.TryAddSingleton(sp => new SagaEngine(SagaStoreOf(sp.GetRequiredService<HeraldOptions>()), sp.GetRequiredService<SagaMetrics>(), sp.GetService<ILogger<SagaEngine>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<SagaEngine>.Instance));
        if (!Services.Any(d => d.ServiceType == typeof(SagaTimeoutService)))
        {
            Services.AddSingleton<SagaTimeoutService>();
            Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SagaTimeoutService>());
        }

        Services.AddSingleton(registration);
        Services.AddSingleton(new SagaRegistration(definition, registration));
        return this;
    }

    private static ISagaStore SagaStoreOf(HeraldOptions options) => options.Sagas
        ?? throw new InvalidOperationException("sagas need a store in the inbox's database: call UseSqlite(...), UsePostgreSql(...) or UseSagaStore(...) in AddHerald");
}
