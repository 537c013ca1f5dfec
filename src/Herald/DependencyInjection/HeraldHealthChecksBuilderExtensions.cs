using Herald.Outbox;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks for Herald: <c>services.AddHealthChecks().AddHeraldOutbox()</c>.</summary>
public static class HeraldHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="OutboxHealthCheck"/> for the relay <c>AddHerald</c> registered (an outbox store must be configured),
    /// tagged <c>herald</c> and <c>outbox</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>herald-outbox</c>.</param>
    /// <param name="tags">Extra tags, e.g. <c>ready</c> for a readiness probe.</param>
    public static IHealthChecksBuilder AddHeraldOutbox(this IHealthChecksBuilder builder, string name = "herald-outbox", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new OutboxHealthCheck(sp.GetService<OutboxRelay>()
                ?? throw new InvalidOperationException("AddHeraldOutbox needs the outbox relay: configure an outbox store in AddHerald (o.UseSqlite(...), o.UsePostgreSql(...) or o.UseOutbox(...))")),
            failureStatus: null,
            tags: ["herald", "outbox", .. tags ?? []]));
    }
}
