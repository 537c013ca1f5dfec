using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.EventStore.Projections;

/// <summary>Runs a <see cref="ProjectionDaemon"/> for the lifetime of the host.</summary>
public sealed class ProjectionHostedService : BackgroundService
{
    private readonly ProjectionDaemon _daemon;

    /// <param name="daemon">The daemon to run.</param>
    public ProjectionHostedService(ProjectionDaemon daemon)
    {
        _daemon = daemon;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _daemon.RunAsync(stoppingToken);
}

/// <summary>Registers async projections with a host.</summary>
public static class ProjectionServiceCollectionExtensions
{
    /// <summary>
    /// Runs <paramref name="projections"/> asynchronously against the registered <see cref="IProjectionStore"/> in a
    /// hosted service, and registers the <see cref="ProjectionDaemon"/> (for <see cref="ProjectionDaemon.Checkpoints"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="projections">Builds the projections from the container.</param>
    /// <param name="options">Batch size and intervals; defaults when null.</param>
    public static IServiceCollection AddProjectionDaemon(this IServiceCollection services, Func<IServiceProvider, IEnumerable<IProjection>> projections, ProjectionDaemonOptions? options = null)
    {
        services.AddSingleton(provider => new ProjectionDaemon(
            provider.GetRequiredService<IProjectionStore>(),
            projections(provider),
            options,
            provider.GetService<ILogger<ProjectionDaemon>>()));
        services.AddHostedService<ProjectionHostedService>();
        return services;
    }
}
