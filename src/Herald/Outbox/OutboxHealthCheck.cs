using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Outbox;

/// <summary>
/// Reports the outbox relay's health: Healthy while it publishes normally; Degraded while the circuit breaker is open
/// (the broker is unavailable, writes buffer) or the backlog is over its limits in <see cref="BrokerDownMode.Buffer"/>;
/// Unhealthy while the backlog is over its limits in <see cref="BrokerDownMode.Reject"/> (new work is being refused).
/// </summary>
/// <remarks>Register with <c>services.AddHealthChecks().AddHeraldOutbox()</c>. It reads the relay's cached state only.</remarks>
public sealed class OutboxHealthCheck : IHealthCheck
{
    private readonly OutboxRelay _relay;

    public OutboxHealthCheck(OutboxRelay relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        _relay = relay;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = _relay.LastStatus;
        var data = new Dictionary<string, object>
        {
            ["relay"] = _relay.Options.Name,
            ["lease_held"] = _relay.HoldsLease,
            ["breaker_state"] = _relay.BreakerState.ToString(),
            ["backlog_rows"] = status?.BacklogRows ?? 0L,
            ["oldest_age_seconds"] = status is null ? 0d : _relay.OldestAge(status).TotalSeconds,
            ["dead_rows"] = status?.DeadRows ?? 0L,
        };

        var result = (_relay.IsBacklogExceeded, _relay.Options.WhenBacklogExceeded, _relay.BreakerState) switch
        {
            (true, BrokerDownMode.Reject, _) => HealthCheckResult.Unhealthy("the outbox backlog is over its limits and new work is refused", data: data),
            (true, _, _) => HealthCheckResult.Degraded("the outbox backlog is over its limits; writes keep buffering", data: data),
            (_, _, OutboxBreakerState.Open or OutboxBreakerState.HalfOpen) => HealthCheckResult.Degraded("the broker is unavailable; events buffer in the outbox", data: data),
            _ => HealthCheckResult.Healthy("the outbox relay is publishing", data),
        };
        return Task.FromResult(result);
    }
}
