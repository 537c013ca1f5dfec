using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Herald.DeadLetters;
using Herald.Inbox;
using Herald.Outbox;
using Herald.Pii;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Consuming;

public sealed partial class ConsumerHost
{
    /// <summary>Handles one partition's records in order.</summary>
    /// <returns>The last record whose outcome is committed, and whether every record was handled (false: seek back and retry later).</returns>
    private async Task<(ConsumeResult<string?, byte[]>? Last, bool Complete, TopicPartitionOffset First)> ProcessPartitionAsync(
        ConsumerRegistration registration, List<ConsumeResult<string?, byte[]>> records, CancellationToken cancellationToken)
    {
        ConsumeResult<string?, byte[]>? last = null;
        try
        {
            foreach (var chunk in records.Chunk(registration.BatchSize))
            {
                var decoded = chunk.Select(r => DecodedRecord.Decode(r, _contracts, registration)).ToList();
                if (!await TryBatchAsync(registration, decoded, cancellationToken).ConfigureAwait(false))
                {
                    foreach (var record in decoded)
                    {
                        await ProcessOneAsync(registration, record, cancellationToken).ConfigureAwait(false);
                        last = record.Record;
                    }
                }

                last = chunk[^1];
            }

            return (last, true, records[0].TopicPartitionOffset);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: what is not committed is redelivered to whoever owns the partition next.
            return (last, true, records[0].TopicPartitionOffset);
        }
        catch (Exception ex)
        {
            // E.g. the database or the dead-letter topic is unreachable: nothing after `last` is committed; retry later.
            LogPartitionFailed(records[0].Topic, records[0].Partition.Value, ex.GetType().Name, ex.Message);
            return (last, false, records[0].TopicPartitionOffset);
        }
    }

    /// <summary>One record with the full retry policy; returns once its outcome is committed (handled, duplicate, dead letter, skipped).</summary>
    private async Task ProcessOneAsync(ConsumerRegistration registration, DecodedRecord record, CancellationToken cancellationToken)
    {
        if (record.NotForThisConsumer)
        {
            return;
        }

        using var span = ConsumerTracing.StartProcess(registration, record);
        if (record.FailureReason is { } reason)
        {
            await DeadLetterAsync(registration, record, span, reason, record.FailureType, record.FailureMessage, attempts: 0, cancellationToken).ConfigureAwait(false);
            return;
        }

        var envelope = record.Envelope!;
        var policy = registration.Retry;
        Exception? lastError = null;
        while (true)
        {
            int attempt = (await Inbox.RecordAttemptsAsync(registration.Group, [record.AttemptKey], cancellationToken).ConfigureAwait(false))[0];
            if (attempt > policy.MaxAttempts)
            {
                // Counted before an earlier crash or failure: the limit holds across restarts.
                await DeadLetterAsync(registration, record, span, DeadLetterReasons.AttemptsExhausted, lastError?.GetType().FullName,
                    lastError is null ? $"{attempt - 1} attempt(s) were already made (the process may have crashed while handling it)" : lastError.Message,
                    attempt - 1, cancellationToken).ConfigureAwait(false);
                return;
            }

            var delay = policy.DelayBefore(attempt);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                bool duplicate;
                await using (var scope = _scopes.CreateAsyncScope())
                await using (var transaction = await Inbox.BeginAsync(registration.Group, cancellationToken).ConfigureAwait(false))
                {
                    duplicate = await transaction.IsProcessedAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
                    if (!duplicate)
                    {
                        var handler = scope.ServiceProvider.GetRequiredService(registration.HandlerType);
                        var context = new EventContext(envelope, record.Record.Topic, record.Record.Partition.Value, record.Record.Offset.Value, attempt, registration.Group, transaction.Connection, transaction.Transaction, scope.ServiceProvider.GetService<IOutbox>());
                        await InvokeHandlerAsync(registration, handler, record, context, cancellationToken).ConfigureAwait(false);
                        await transaction.MarkProcessedAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                ConsumerTracing.SetOutcome(span, duplicate ? ConsumerOutcomes.Duplicate : ConsumerOutcomes.Handled);
                if (duplicate)
                {
                    LogDuplicate(envelope.EventType, envelope.EventId, registration.Group);
                    Metrics.OnDuplicate(registration, record);
                }
                else
                {
                    Metrics.OnHandled(registration, record);
                }

                return;
            }
            catch (InboxConflictException)
            {
                // Another delivery of this event committed first: its effect exists exactly once.
                ConsumerTracing.SetOutcome(span, ConsumerOutcomes.Duplicate);
                LogDuplicate(envelope.EventType, envelope.EventId, registration.Group);
                Metrics.OnDuplicate(registration, record);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = ex;

                // A saga's non-transient failure (a definition error, Missing.Fault) cannot succeed on a retry.
                var willRetry = attempt < policy.MaxAttempts && ex is not Sagas.SagaException { IsTransient: false };
                Metrics.OnFailedAttempt(registration, record, willRetry);
                LogAttemptFailed(envelope.EventType, envelope.EventId, attempt, policy.MaxAttempts, ex.GetType().Name, PiiMasker.Apply(ex.Message, record.PiiValues));
                if (!willRetry)
                {
                    await DeadLetterAsync(registration, record, span, DeadLetterReasons.HandlerFailed, ex.GetType().FullName, ex.Message, attempt, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
    }

    /// <summary>One handler run, timed, in a span of its own that is the current activity while the handler runs.</summary>
    private async Task InvokeHandlerAsync(ConsumerRegistration registration, object handler, DecodedRecord record, EventContext context, CancellationToken cancellationToken)
    {
        using var span = ConsumerTracing.StartHandler(registration, record, context.Attempt);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await registration.Invoke(handler, record.Contract!.Type, record.Event!, context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Metrics.OnHandlerRun(registration, record, Stopwatch.GetElapsedTime(started), ex);
            ConsumerTracing.Fail(span, ex, record);
            throw;
        }

        Metrics.OnHandlerRun(registration, record, Stopwatch.GetElapsedTime(started), error: null);
    }

    /// <summary>
    /// Writes the original record to <c>&lt;topic&gt;.dlq</c> with the failure in headers (PII masked), and waits for the broker's ack.
    /// </summary>
    /// <remarks>
    /// Every original header is kept, <c>traceparent</c> and <c>tracestate</c> included: a redriven dead letter is processed
    /// in the trace it was published in.
    /// </remarks>
    private async Task DeadLetterAsync(ConsumerRegistration registration, DecodedRecord record, Activity? span, string reason, string? exceptionType, string? message, int attempts, CancellationToken cancellationToken)
    {
        var original = record.Record;
        var headers = new Headers();
        if (original.Message.Headers is { } existing)
        {
            foreach (var header in existing)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        static byte[] Utf8(string value) => Encoding.UTF8.GetBytes(value);
        var masked = PiiMasker.Apply(message, record.PiiValues);
        headers.Add(DeadLetterHeaders.Reason, Utf8(reason));
        headers.Add(DeadLetterHeaders.ExceptionType, Utf8(exceptionType ?? string.Empty));
        headers.Add(DeadLetterHeaders.ExceptionMessage, Utf8(masked));
        headers.Add(DeadLetterHeaders.OriginalTopic, Utf8(original.Topic));
        headers.Add(DeadLetterHeaders.OriginalPartition, Utf8(original.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalOffset, Utf8(original.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.OriginalTimestamp, Utf8(original.Message.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.ConsumerGroup, Utf8(registration.Group));
        headers.Add(DeadLetterHeaders.Attempts, Utf8(attempts.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.FailedAt, Utf8(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)));
        await _publisher.Producer.ProduceAsync(
            DeadLetterHeaders.TopicFor(original.Topic),
            new Message<string?, byte[]> { Key = original.Message.Key, Value = original.Message.Value, Headers = headers },
            cancellationToken).ConfigureAwait(false);
        LogDeadLettered(original.Topic, original.Partition.Value, original.Offset.Value, reason, attempts, masked);
        ConsumerTracing.DeadLettered(span, reason, exceptionType, masked);
        Metrics.OnDeadLettered(registration, record, reason);
    }

    [LoggerMessage(LogLevel.Error, "Handling {Topic}[{Partition}] stopped: {ExceptionType}: {Message}; the records will be retried")]
    private partial void LogPartitionFailed(string topic, int partition, string exceptionType, string message);

    [LoggerMessage(LogLevel.Debug, "Skipped {EventType} {EventId}: group {Group} already processed it")]
    private partial void LogDuplicate(string eventType, Guid eventId, string group);

    [LoggerMessage(LogLevel.Warning, "Handling {EventType} {EventId} failed on attempt {Attempt} of {MaxAttempts}: {ExceptionType}: {Message}")]
    private partial void LogAttemptFailed(string eventType, Guid eventId, int attempt, int maxAttempts, string exceptionType, string message);

    [LoggerMessage(LogLevel.Error, "Dead-lettered {Topic}[{Partition}]@{Offset} ({Reason}, {Attempts} attempt(s)): {Message}")]
    private partial void LogDeadLettered(string topic, int partition, long offset, string reason, int attempts, string message);
}
