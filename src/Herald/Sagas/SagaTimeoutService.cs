using Herald.Inbox;
using Herald.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Sagas;

/// <summary>
/// Delivers due saga timeouts: polls <c>herald_saga_timeout</c> for pending rows whose time has come and, for each, runs
/// the saga in a transaction of the inbox database — the token is read again there, so a timeout cancelled or superseded
/// in the meantime is dropped — marks it fired, and commits the step with the events it publishes.
/// </summary>
/// <remarks>
/// A step that conflicts with an event for the same instance (<see cref="SagaConcurrencyException"/>) leaves the timeout
/// due for the next poll. A handler that throws is retried with the saga consumer's retry policy (its delays, up to its
/// attempts); then the timeout is marked failed (<c>failed_at</c>, <c>last_error</c>) and shown by <c>herald sagas show</c>.
/// The service also purges instances completed longer ago than their saga's retention, once an hour.
/// </remarks>
internal sealed partial class SagaTimeoutService : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    private readonly HeraldOptions _options;
    private readonly Dictionary<string, SagaRegistration> _sagas;
    private readonly IServiceScopeFactory _scopes;
    private readonly IServiceProvider _services;
    private readonly SagaMetrics _metrics;
    private readonly ILogger _logger;
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    public SagaTimeoutService(HeraldOptions options, IEnumerable<SagaRegistration> sagas, IServiceScopeFactory scopes, IServiceProvider services, SagaMetrics metrics, ILogger<SagaTimeoutService> logger)
    {
        _options = options;

        // A saga registered on several topics fires its timeouts once, in the group of its first registration.
        _sagas = sagas.GroupBy(s => s.Definition.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _scopes = scopes;
        _services = services;
        _metrics = metrics;
        _logger = logger;
    }

    private ISagaStore Store => _options.Sagas ?? throw new InvalidOperationException("sagas need a store: call UseSqlite(...), UsePostgreSql(...) or UseSagaStore(...) in AddHerald");

    private IInboxStore Inbox => _options.Inbox ?? throw new InvalidOperationException("sagas need an inbox: call UseSqlite(...) or UsePostgreSql(...) in AddHerald");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_sagas.Count == 0)
        {
            return;
        }

        try
        {
            await SagaTables.EnsureCreatedAsync(Store, stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                int handled;
                try
                {
                    handled = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                    await PurgeIfDueAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // E.g. the database is unreachable: try again at the next poll.
                    LogPollFailed(ex.GetType().Name, ex.Message);
                    handled = 0;
                }

                if (handled < BatchSize)
                {
                    await Task.Delay(_options.SagaTimeoutPollInterval, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Delivers the timeouts due now (one batch); returns how many were found.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var due = await Store.FindDueTimeoutsAsync(_sagas.Keys, Store.TimeProvider.GetUtcNow(), BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var timeout in due)
        {
            await FireAsync(_sagas[timeout.Type], timeout, cancellationToken).ConfigureAwait(false);
        }

        return due.Count;
    }

    private async Task FireAsync(SagaRegistration saga, SagaTimeoutEntry timeout, CancellationToken cancellationToken)
    {
        var engine = _services.GetRequiredService<SagaEngine>();
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            await using var transaction = await Inbox.BeginAsync(saga.Consumer.Group, cancellationToken).ConfigureAwait(false);
            await engine.FireTimeoutAsync(saga.Definition, timeout.Token, transaction.Transaction, scope.ServiceProvider.GetService<IOutbox>(), scope.ServiceProvider, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SagaConcurrencyException ex)
        {
            LogConflict(saga.Definition.Name, timeout.Id, timeout.TimeoutType, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.OnTimeoutFailure(saga.Definition.Name);
            var policy = saga.Consumer.Retry;
            var attempts = timeout.Attempts + 1;
            var final = attempts >= policy.MaxAttempts || ex is SagaException { IsTransient: false };
            var retryAt = final ? (DateTimeOffset?)null : Store.TimeProvider.GetUtcNow() + policy.DelayBefore(attempts + 1);
            var error = $"{ex.GetType().Name}: {ex.Message}";
            await Store.RecordTimeoutFailureAsync(timeout.Token, error, retryAt, cancellationToken).ConfigureAwait(false);
            if (final)
            {
                LogTimeoutFailed(saga.Definition.Name, timeout.Id, timeout.TimeoutType, attempts, error);
            }
            else
            {
                LogTimeoutRetry(saga.Definition.Name, timeout.Id, timeout.TimeoutType, attempts, policy.MaxAttempts, error);
            }
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken cancellationToken)
    {
        var now = Store.TimeProvider.GetUtcNow();
        if (now - _lastPurge < PurgeEvery)
        {
            return;
        }

        _lastPurge = now;
        foreach (var saga in _sagas.Values)
        {
            var purged = await Store.PurgeCompletedAsync(saga.Definition.Name, now - saga.Definition.Retention, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                LogPurged(purged, saga.Definition.Name);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Saga timeouts: polling failed ({ExceptionType}: {Message}); trying again at the next poll")]
    private partial void LogPollFailed(string exceptionType, string message);

    [LoggerMessage(LogLevel.Debug, "Saga {SagaType} '{SagaId}': timeout {TimeoutType} conflicted with another step ({Message}); it stays due")]
    private partial void LogConflict(string sagaType, string sagaId, string timeoutType, string message);

    [LoggerMessage(LogLevel.Warning, "Saga {SagaType} '{SagaId}': timeout {TimeoutType} failed on attempt {Attempt} of {MaxAttempts}: {Error}")]
    private partial void LogTimeoutRetry(string sagaType, string sagaId, string timeoutType, int attempt, int maxAttempts, string error);

    [LoggerMessage(LogLevel.Error, "Saga {SagaType} '{SagaId}': timeout {TimeoutType} failed after {Attempts} attempt(s) and will not fire again: {Error}")]
    private partial void LogTimeoutFailed(string sagaType, string sagaId, string timeoutType, int attempts, string error);

    [LoggerMessage(LogLevel.Information, "Purged {Count} completed {SagaType} saga(s) past retention")]
    private partial void LogPurged(int count, string sagaType);
}
