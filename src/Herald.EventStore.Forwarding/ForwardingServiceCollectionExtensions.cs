using Herald.EventStore.Forwarding;
using Herald.EventStore.Projections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers event forwarders with a host.</summary>
public static class ForwardingServiceCollectionExtensions
{
    /// <summary>
    /// Forwards the global feed of the registered <see cref="IProjectionStore"/> to a topic in a hosted service.
    /// Call once per topic; each forwarder has its own checkpoint.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Topic, broker and batching.</param>
    public static IServiceCollection AddEventForwarder(this IServiceCollection services, EventForwarderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddEventForwarder(_ => options);
    }

    /// <summary>
    /// Forwards the global feed of the registered <see cref="IProjectionStore"/> to a topic in a hosted service,
    /// with options built from the container (e.g. bound configuration). Call once per topic.
    /// </summary>
    /// <remarks>
    /// With <c>AddHerald</c> in the same container, the forwarder's producer also gets the SDK's
    /// <see cref="Herald.HeraldOptions.Security"/> settings, before <see cref="EventForwarderOptions.ConfigureProducer"/>.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Builds the topic, broker and batching options.</param>
    public static IServiceCollection AddEventForwarder(this IServiceCollection services, Func<IServiceProvider, EventForwarderOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Not AddHostedService<T>: it registers a type once, and each topic needs its own forwarder.
        services.AddSingleton<IHostedService>(provider => new EventForwarderHostedService(new EventForwarder(
            provider.GetRequiredService<IProjectionStore>(),
            WithSecurity(options(provider), provider.GetService<Herald.HeraldOptions>()),
            provider.GetService<ILogger<EventForwarder>>())));
        return services;
    }

    private static EventForwarderOptions WithSecurity(EventForwarderOptions options, Herald.HeraldOptions? herald)
    {
        if (herald is null || !herald.Security.Any())
        {
            return options;
        }

        var configure = options.ConfigureProducer;
        return options with
        {
            ConfigureProducer = config =>
            {
                foreach (var (key, value) in herald.Security)
                {
                    config.Set(key, value);
                }

                configure?.Invoke(config);
            },
        };
    }
}
