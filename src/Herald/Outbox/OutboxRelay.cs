using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;

namespace Herald.Outbox;

/// <summary>
/// Publishes outbox rows in commit order with the SDK envelope they were stored with, and deletes them only after the
/// broker acknowledged them (acks=all, idempotent producer). A hosted service under <c>AddHerald</c>; also usable on
/// its own (start it with <see cref="BackgroundService.StartAsync"/>).
/// </summary>
/// <remarks>
/// <para>
/// Only the instance holding the relay name's lease publishes; it renews the lease every third of
/// <see cref="OutboxRelayOptions.LeaseDuration"/>, and its cursor moves are fenced by it. It reads a batch after its
/// cursor, produces every row, waits for the delivery reports and completes the contiguous acknowledged prefix; rows
/// after a failure are produced again later, with the same <c>event_id</c>, so consumers' inboxes drop the duplicates.
/// </para>
/// <para>
/// When the broker stops answering, the wait counts as a failure for a Polly circuit breaker; while it is open the relay
/// publishes nothing and writes keep committing. The producer never gives a record up
/// (<c>message.timeout.ms=0</c>), so when the broker returns the queued batch is delivered in order and the backlog
/// drains behind it. A row refused with a permanent error is retried <see cref="OutboxRelayOptions.PoisonAttempts"/>
/// times, then moved to the dead table: its key's consumers miss that one event, and later rows go ahead.
/// </para>
/// </remarks>
public sealed partial class OutboxRelay : BackgroundService
{
    // After a wake-up the rows may not be committed yet (enqueue runs inside the transaction): look again soon, a few times.
    private static readonly TimeSpan[] RereadDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(4), TimeSpan.FromMilliseconds(8), TimeSpan.FromMilliseconds(16), TimeSpan.FromMilliseconds(32)];

    // Then keep looking at this interval until PollInterval has passed since the wake-up: the transaction may go on after
    // its enqueue (a request or handler with more to do). Without it, a row committed after the rereads waited for the
    // next enqueue or the poll: 100 ms after the enqueue at 5 events/s, p50 102 ms and up to 1 s (docs/benchmarks.md).
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(25);

    private readonly IOutboxStore _store;
    private readonly HeraldOptions _heraldOptions;
    private readonly ILogger _logger;
    private readonly OutboxSignal _signal = new();
    private readonly CircuitBreakerStateProvider _breakerState = new();
    private readonly ResiliencePipeline<OutboxBatch> _pipeline;
    private readonly OutboxRelayMetrics _metrics;
    private readonly OutboxLease _lease;
    private IProducer<string?, byte[]>? _producer;
    private OutboxBatch? _pending;
    private OutboxPosition _readPosition;
    private DateTimeOffset _leaseRenewedAt;
    private volatile bool _holdsLease;
    private int _rereads = RereadDelays.Length;
    private long _wokenAt;
    private long _published;
    private long _deadLettered;
    private long _reads;

    /// <param name="store">The outbox to relay.</param>
    /// <param name="options">Bootstrap servers, the application's producer settings and <see cref="HeraldOptions.OutboxRelay"/>.</param>
    /// <param name="logger">Where the relay logs (never keys or payloads).</param>
    /// <param name="meterFactory">Supplies the <c>Herald.Sdk</c> meter (null: a process-wide meter).</param>
    public OutboxRelay(IOutboxStore store, HeraldOptions options, ILogger<OutboxRelay>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _heraldOptions = options;
        Options = options.OutboxRelay;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.PoisonAttempts);
        _logger = logger ?? NullLogger<OutboxRelay>.Instance;
        _lease = new OutboxLease(Options.Name, Options.Owner ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");
        _pipeline = BuildPipeline();
        _metrics = new OutboxRelayMetrics(meterFactory, this);
    }

    /// <summary>The relay's settings.</summary>
    public OutboxRelayOptions Options { get; }

    /// <summary>This instance's identity in the lease table (<see cref="OutboxRelayOptions.Owner"/>, or a generated one).</summary>
    public string Owner => _lease.Owner;

    /// <summary>Whether this instance holds the lease (and so is the one publishing).</summary>
    public bool HoldsLease => _holdsLease;

    /// <summary>The circuit breaker's state.</summary>
    public OutboxBreakerState BreakerState => _breakerState.CircuitState switch
    {
        CircuitState.Closed => OutboxBreakerState.Closed,
        CircuitState.HalfOpen => OutboxBreakerState.HalfOpen,
        _ => OutboxBreakerState.Open,
    };

    /// <summary>Rows this instance published (acknowledged and completed).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Rows this instance moved to the dead table.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>How many batch reads this instance ran (tests use it to know the relay looked at the outbox).</summary>
    internal long Reads => Interlocked.Read(ref _reads);

    /// <summary>Wakes the relay: rows were just enqueued in this process.</summary>
    internal void Notify() => _signal.Notify();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before any handler or request can enqueue: the tables must exist when the host reports it started.
        await _store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var status = RefreshStatusLoopAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception exception)
                {
                    OutboxRelayLog.RelayFailed(_logger, Options.Name, exception);
                    _pending = null;
                    _holdsLease = false;
                    await DelayAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await StopPublishingAsync().ConfigureAwait(false);
            await status.ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _producer?.Dispose();
        _producer = null;
        _metrics.Dispose();
        base.Dispose();
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await HoldLeaseAsync(cancellationToken).ConfigureAwait(false))
        {
            await _signal.WaitAsync(Min(Options.PollInterval, RenewEvery), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_pending is null)
        {
            var rows = await _store.ReadAsync(_readPosition, Options.BatchSize, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _reads);
            if (rows.Count == 0)
            {
                await IdleAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            _rereads = 0;
            _pending = new OutboxBatch(rows);
        }

        var batch = _pending;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        Outcome<OutboxBatch> outcome;
        try
        {
            outcome = await _pipeline.ExecuteOutcomeAsync(static (context, state) => state.relay.DeliverAsync(state.batch, context.CancellationToken), context, (relay: this, batch)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        switch (outcome.Exception)
        {
            case null:
                await SettleAsync(outcome.Result!, cancellationToken).ConfigureAwait(false);
                break;
            case BrokenCircuitException broken:
                // Wait out the break, or less if the queued batch gets acknowledged meanwhile (the broker came back).
                var wait = Min(broken.RetryAfter ?? Options.Breaker.BreakDuration, RenewEvery);
                var delay = Task.Delay(wait, cancellationToken);
                await Task.WhenAny(delay, batch.Started ? batch.Completion : delay).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                break;
            case OutboxDeliveryStalledException:
                OutboxRelayLog.DeliveryStalled(_logger, Options.Name, batch.Rows.Count, DeliveryWait);
                break;
            default:
                outcome.ThrowIfException();
                break;
        }
    }

    private async ValueTask<Outcome<OutboxBatch>> DeliverAsync(OutboxBatch batch, CancellationToken cancellationToken)
    {
        if (!batch.Started)
        {
            batch.Start(Producer());
        }

        try
        {
            await batch.Completion.WaitAsync(DeliveryWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Outcome.FromException<OutboxBatch>(new OutboxDeliveryStalledException(
                $"the broker acknowledged no batch of {batch.Rows.Count} row(s) within {DeliveryWait}"));
        }
        catch (OperationCanceledException exception)
        {
            return Outcome.FromException<OutboxBatch>(exception);
        }

        return Outcome.FromResult(batch);
    }

    /// <summary>Completes the acknowledged prefix of a finished batch and deals with the first row that failed.</summary>
    private async Task SettleAsync(OutboxBatch batch, CancellationToken cancellationToken)
    {
        _pending = null;
        var first = FirstFailure(batch);
        if (first > 0)
        {
            var through = batch.Rows[first - 1].Position;
            if (!await _store.CompleteAsync(_lease, through, cancellationToken).ConfigureAwait(false))
            {
                LoseLease();
                return;
            }

            _readPosition = through;
            Interlocked.Add(ref _published, first);
            _metrics.OnPublished(first);
        }

        if (first == batch.Rows.Count)
        {
            return;
        }

        var row = batch.Rows[first];
        var error = batch.ErrorOf(first)!;
        var reason = OutboxProduceErrors.Describe(error);
        if (error.IsFatal)
        {
            // An idempotent producer that failed fatally accepts nothing more; its successor gets a new producer id.
            OutboxRelayLog.ProducerFatal(_logger, Options.Name, reason);
            _producer?.Dispose();
            _producer = null;
            return;
        }

        if (!OutboxProduceErrors.IsPermanent(error))
        {
            OutboxRelayLog.TransientFailure(_logger, Options.Name, row.Message.EventId, row.Message.Topic, reason);
            return;
        }

        var attempts = await _store.RecordFailureAsync(_lease, row.Position, reason, cancellationToken).ConfigureAwait(false);
        if (attempts is not { } count)
        {
            LoseLease();
            return;
        }

        if (count < Options.PoisonAttempts)
        {
            OutboxRelayLog.PermanentFailure(_logger, Options.Name, row.Message.EventId, row.Message.EventType, row.Message.Topic, count, Options.PoisonAttempts, reason);
            await DelayAsync(Options.PoisonBackoff * Math.Pow(2, Math.Min(count - 1, 16)), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!await _store.DeadLetterAsync(_lease, row.Position, reason, cancellationToken).ConfigureAwait(false))
        {
            LoseLease();
            return;
        }

        Interlocked.Increment(ref _deadLettered);
        _metrics.OnDeadLettered();
        OutboxRelayLog.DeadLettered(_logger, Options.Name, row.Message.EventId, row.Message.EventType, row.Message.Topic, count, reason);
    }

    private static int FirstFailure(OutboxBatch batch)
    {
        for (var i = 0; i < batch.Rows.Count; i++)
        {
            if (batch.ErrorOf(i) is not null)
            {
                return i;
            }
        }

        return batch.Rows.Count;
    }

    private async Task<bool> HoldLeaseAsync(CancellationToken cancellationToken)
    {
        var now = _store.Options.TimeProvider.GetUtcNow();
        if (_holdsLease && now - _leaseRenewedAt < RenewEvery)
        {
            return true;
        }

        var held = await _store.TryAcquireLeaseAsync(_lease, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (held && !_holdsLease)
        {
            _pending = null;
            _readPosition = await _store.ReadCursorAsync(Options.Name, cancellationToken).ConfigureAwait(false);
            OutboxRelayLog.LeaseAcquired(_logger, Options.Name, _lease.Owner, _readPosition);
        }
        else if (!held && _holdsLease)
        {
            LoseLease();
        }

        _holdsLease = held;
        _leaseRenewedAt = now;
        return held;
    }

    private void LoseLease()
    {
        OutboxRelayLog.LeaseLost(_logger, Options.Name, _lease.Owner);
        _holdsLease = false;
        _pending = null;
    }

    private async Task IdleAsync(CancellationToken cancellationToken)
    {
        if (_rereads < RereadDelays.Length)
        {
            await DelayAsync(RereadDelays[_rereads++], cancellationToken).ConfigureAwait(false);
            return;
        }

        var sinceWakeUp = Stopwatch.GetElapsedTime(_wokenAt);
        var wait = sinceWakeUp < Options.PollInterval
            ? Min(RecheckInterval, Options.PollInterval - sinceWakeUp)
            : Min(Options.PollInterval, RenewEvery);
        if (await _signal.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            _rereads = 0;
            _wokenAt = Stopwatch.GetTimestamp();
        }
    }

    private async Task StopPublishingAsync()
    {
        if (_holdsLease)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _store.ReleaseLeaseAsync(_lease, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Best effort: the lease expires on its own.
            }

            _holdsLease = false;
        }

        // Not flushed: whatever is still queued is republished by the next holder (same event ids).
        _producer?.Dispose();
        _producer = null;
    }

    private IProducer<string?, byte[]> Producer()
    {
        if (_producer is not null)
        {
            return _producer;
        }

        var config = new ProducerConfig
        {
            BootstrapServers = _heraldOptions.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 1,
            MessageTimeoutMs = 0,
            ReconnectBackoffMaxMs = 1000,
        };
        _heraldOptions.ApplySecurity(config);
        _heraldOptions.ConfigureProducer?.Invoke(config);
        Options.ConfigureProducer?.Invoke(config);
        return _producer = new ProducerBuilder<string?, byte[]>(config).Build();
    }

    private ResiliencePipeline<OutboxBatch> BuildPipeline()
    {
        var breaker = Options.Breaker;
        return new ResiliencePipelineBuilder<OutboxBatch>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<OutboxBatch>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDurationGenerator = arguments => ValueTask.FromResult(Min(
                    breaker.MaxBreakDuration,
                    breaker.BreakDuration * Math.Pow(2, Math.Min(arguments.HalfOpenAttempts, 16)))),
                ShouldHandle = arguments => ValueTask.FromResult(
                    arguments.Outcome.Exception is OutboxDeliveryStalledException
                    || (arguments.Outcome.Result is { } batch && FirstFailure(batch) is var first && first < batch.Rows.Count
                        && !OutboxProduceErrors.IsPermanent(batch.ErrorOf(first)!))),
                StateProvider = _breakerState,
                OnOpened = arguments =>
                {
                    OutboxRelayLog.BreakerOpened(_logger, Options.Name, arguments.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    OutboxRelayLog.BreakerClosed(_logger, Options.Name);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>How long one wait for acknowledgements lasts: the delivery timeout, but short enough to renew the lease.</summary>
    private TimeSpan DeliveryWait => Min(Options.DeliveryTimeout, RenewEvery);

    private TimeSpan RenewEvery => Options.LeaseDuration / 3;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }
}
