using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Herald.DeadLetters;
using Herald.Inbox;
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
                var batch = await TryBatchAsync(registration, decoded, cancellationToken).ConfigureAwait(false);
                if (!batch.Committed)
                {
                    foreach (var record in decoded)
                    {
                        int counted = record.Envelope is { } envelope && batch.Counted.TryGetValue(envelope.EventId, out var n) ? n : 0;
                        await ProcessOneAsync(registration, record, counted, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The fast path: every record of the chunk in one inbox transaction. Any failure rolls it all back and the chunk
    /// is handled one record at a time with the retry policy; <c>Counted</c> then holds the attempts already recorded
    /// for records that did not cause the failure, so they are not charged twice.
    /// </summary>
    private async Task<(bool Committed, Dictionary<Guid, int> Counted)> TryBatchAsync(ConsumerRegistration registration, List<DecodedRecord> chunk, CancellationToken cancellationToken)
    {
        var counted = new Dictionary<Guid, int>();
        if (chunk.Count < 2 || chunk.Any(r => r.FailureReason is not null))
        {
            return (false, counted);
        }

        var handleable = chunk.Where(r => r.IsHandleable).ToList();
        var attempts = handleable.Count == 0 ? [] : await Inbox.RecordAttemptsAsync(registration.Group, [.. handleable.Select(r => r.Envelope!.EventId)], cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < handleable.Count; i++)
        {
            counted[handleable[i].Envelope!.EventId] = attempts[i];
        }

        if (attempts.Any(a => a > 1))
        {
            // Something here failed before: take the careful path with the retry policy.
            return (false, counted);
        }

        var outcomes = new List<(DecodedRecord Record, string Outcome)>(handleable.Count);
        DecodedRecord? running = null;
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService(registration.HandlerType);
            await using var transaction = await Inbox.BeginAsync(registration.Group, cancellationToken).ConfigureAwait(false);
            foreach (var record in handleable)
            {
                var envelope = record.Envelope!;
                if (await transaction.IsProcessedAsync(envelope.EventId, cancellationToken).ConfigureAwait(false))
                {
                    outcomes.Add((record, "duplicate"));
                    continue;
                }

                running = record;
                var context = new EventContext(envelope, record.Record.Topic, record.Record.Partition.Value, record.Record.Offset.Value, 1, registration.Group, transaction.Connection, transaction.Transaction);
                await registration.Invoke(handler, record.Contract!.Type, record.Event!, context, cancellationToken).ConfigureAwait(false);
                await transaction.MarkProcessedAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
                outcomes.Add((record, "handled"));
                running = null;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (running is not null)
            {
                // That handler really ran and failed: its next run records attempt 2.
                Metrics.OnFailedAttempt();
                counted.Remove(running.Envelope!.EventId);
                LogAttemptFailed(running.Envelope.EventType, running.Envelope.EventId, 1, registration.Retry.MaxAttempts, ex.GetType().Name, PiiMasker.Apply(ex.Message, running.PiiValues));
            }

            return (false, counted);
        }

        foreach (var (record, outcome) in outcomes)
        {
            var processed = Processed(registration, record, outcome);
            if (outcome == "duplicate")
            {
                LogDuplicate(record.Envelope!.EventType, record.Envelope.EventId, registration.Group);
                Metrics.OnDuplicate(processed);
            }
            else
            {
                Metrics.OnHandled(processed);
            }
        }

        return (true, counted);
    }

    /// <summary>One record with the full retry policy; returns once its outcome is committed (handled, duplicate, dead letter, skipped).</summary>
    private async Task ProcessOneAsync(ConsumerRegistration registration, DecodedRecord record, int alreadyCounted, CancellationToken cancellationToken)
    {
        if (record.NotForThisConsumer)
        {
            return;
        }

        if (record.FailureReason is { } reason)
        {
            await DeadLetterAsync(registration, record, reason, record.FailureType, record.FailureMessage, attempts: 0, cancellationToken).ConfigureAwait(false);
            return;
        }

        var envelope = record.Envelope!;
        var policy = registration.Retry;
        Exception? lastError = null;
        while (true)
        {
            int attempt = alreadyCounted > 0
                ? alreadyCounted
                : (await Inbox.RecordAttemptsAsync(registration.Group, [envelope.EventId], cancellationToken).ConfigureAwait(false))[0];
            alreadyCounted = 0;
            if (attempt > policy.MaxAttempts)
            {
                // Counted before an earlier crash or failure: the limit holds across restarts.
                await DeadLetterAsync(registration, record, DeadLetterReasons.AttemptsExhausted, lastError?.GetType().FullName,
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
                        var context = new EventContext(envelope, record.Record.Topic, record.Record.Partition.Value, record.Record.Offset.Value, attempt, registration.Group, transaction.Connection, transaction.Transaction);
                        await registration.Invoke(handler, record.Contract!.Type, record.Event!, context, cancellationToken).ConfigureAwait(false);
                        await transaction.MarkProcessedAsync(envelope.EventId, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                if (duplicate)
                {
                    LogDuplicate(envelope.EventType, envelope.EventId, registration.Group);
                    Metrics.OnDuplicate(Processed(registration, record, "duplicate"));
                }
                else
                {
                    Metrics.OnHandled(Processed(registration, record, "handled"));
                }

                return;
            }
            catch (InboxConflictException)
            {
                // Another delivery of this event committed first: its effect exists exactly once.
                LogDuplicate(envelope.EventType, envelope.EventId, registration.Group);
                Metrics.OnDuplicate(Processed(registration, record, "duplicate"));
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = ex;
                Metrics.OnFailedAttempt();
                LogAttemptFailed(envelope.EventType, envelope.EventId, attempt, policy.MaxAttempts, ex.GetType().Name, PiiMasker.Apply(ex.Message, record.PiiValues));
                if (attempt >= policy.MaxAttempts)
                {
                    await DeadLetterAsync(registration, record, DeadLetterReasons.HandlerFailed, ex.GetType().FullName, ex.Message, attempt, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
    }

    /// <summary>Writes the original record to <c>&lt;topic&gt;.dlq</c> with the failure in headers (PII masked), and waits for the broker's ack.</summary>
    private async Task DeadLetterAsync(ConsumerRegistration registration, DecodedRecord record, string reason, string? exceptionType, string? message, int attempts, CancellationToken cancellationToken)
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
        Metrics.OnDeadLettered(Processed(registration, record, "dead-letter"));
    }

    private static ProcessedEvent Processed(ConsumerRegistration registration, DecodedRecord record, string outcome) =>
        new(registration.Group, record.Record.Topic, record.Record.Partition.Value, record.Record.Offset.Value, record.Envelope?.EventId, outcome);

    [LoggerMessage(LogLevel.Error, "Handling {Topic}[{Partition}] stopped: {ExceptionType}: {Message}; the records will be retried")]
    private partial void LogPartitionFailed(string topic, int partition, string exceptionType, string message);

    [LoggerMessage(LogLevel.Debug, "Skipped {EventType} {EventId}: group {Group} already processed it")]
    private partial void LogDuplicate(string eventType, Guid eventId, string group);

    [LoggerMessage(LogLevel.Warning, "Handling {EventType} {EventId} failed on attempt {Attempt} of {MaxAttempts}: {ExceptionType}: {Message}")]
    private partial void LogAttemptFailed(string eventType, Guid eventId, int attempt, int maxAttempts, string exceptionType, string message);

    [LoggerMessage(LogLevel.Error, "Dead-lettered {Topic}[{Partition}]@{Offset} ({Reason}, {Attempts} attempt(s)): {Message}")]
    private partial void LogDeadLettered(string topic, int partition, long offset, string reason, int attempts, string message);
}
