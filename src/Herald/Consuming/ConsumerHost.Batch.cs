using System.Diagnostics;
using Herald.Outbox;
using Herald.Pii;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Consuming;

public sealed partial class ConsumerHost
{
    /// <summary>
    /// The fast path: every record of the chunk in one inbox transaction, with one query to find duplicates and one
    /// statement to record the processed ids. Any failure rolls it all back; the chunk is then handled one record at a
    /// time with the retry policy.
    /// </summary>
    /// <remarks>
    /// Attempts are counted once for the whole batch, keyed by where it starts: a batch that crashed the process is
    /// polled again from the same offset, finds its count above one, and takes the careful path, where every record's
    /// attempts are counted on their own. A handler that throws here is charged one attempt before the careful path.
    /// </remarks>
    private async Task<bool> TryBatchAsync(ConsumerRegistration registration, List<DecodedRecord> chunk, CancellationToken cancellationToken)
    {
        if (chunk.Count < 2 || chunk.Any(r => r.FailureReason is not null))
        {
            return false;
        }

        var handleable = chunk.Where(r => r.IsHandleable).ToList();
        if (handleable.Count == 0)
        {
            return true;
        }

        var first = chunk[0].Record;
        var batchKey = AttemptKeys.Batch(first.Topic, first.Partition.Value, first.Offset.Value);
        if ((await Inbox.RecordAttemptsAsync(registration.Group, [batchKey], cancellationToken).ConfigureAwait(false))[0] > 1)
        {
            return false;
        }

        var outcomes = new List<(DecodedRecord Record, string Outcome, Activity? Span)>(handleable.Count);
        var spans = new List<Activity>(handleable.Count);
        DecodedRecord? running = null;
        Activity? runningSpan = null;
        try
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                var handler = scope.ServiceProvider.GetRequiredService(registration.HandlerType);
                await using var transaction = await Inbox.BeginAsync(registration.Group, cancellationToken).ConfigureAwait(false);
                var processed = await transaction.FindProcessedAsync([.. handleable.Select(r => r.Envelope!.EventId)], cancellationToken).ConfigureAwait(false);
                var handled = new List<Guid>(handleable.Count);
                var seen = new HashSet<Guid>(processed);
                foreach (var record in handleable)
                {
                    var envelope = record.Envelope!;
                    var span = ConsumerTracing.StartProcess(registration, record);
                    if (span is not null)
                    {
                        spans.Add(span);
                    }

                    // Already committed earlier, or the same event twice in this batch (a producer retry).
                    if (!seen.Add(envelope.EventId))
                    {
                        outcomes.Add((record, ConsumerOutcomes.Duplicate, span));
                        continue;
                    }

                    running = record;
                    runningSpan = span;
                    var context = new EventContext(envelope, record.Record.Topic, record.Record.Partition.Value, record.Record.Offset.Value, 1, registration.Group, transaction.Connection, transaction.Transaction, scope.ServiceProvider.GetService<IOutbox>());
                    await InvokeHandlerAsync(registration, handler, record, context, cancellationToken).ConfigureAwait(false);
                    handled.Add(envelope.EventId);
                    outcomes.Add((record, ConsumerOutcomes.Handled, span));
                    running = null;
                    runningSpan = null;
                }

                await transaction.MarkProcessedAsync(handled, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                foreach (var span in spans)
                {
                    ConsumerTracing.SetOutcome(span, ConsumerOutcomes.RolledBack);
                }

                if (running is not null)
                {
                    // That handler really ran and failed: charge it, so its next run is attempt 2.
                    ConsumerTracing.Fail(runningSpan, ex, running);
                    Metrics.OnFailedAttempt(registration, running, willRetry: registration.Retry.MaxAttempts > 1);
                    await Inbox.RecordAttemptsAsync(registration.Group, [running.AttemptKey], cancellationToken).ConfigureAwait(false);
                    LogAttemptFailed(running.Envelope!.EventType, running.Envelope.EventId, 1, registration.Retry.MaxAttempts, ex.GetType().Name, PiiMasker.Apply(ex.Message, running.PiiValues));
                }

                return false;
            }

            foreach (var (record, outcome, span) in outcomes)
            {
                ConsumerTracing.SetOutcome(span, outcome);
                if (outcome == ConsumerOutcomes.Duplicate)
                {
                    LogDuplicate(record.Envelope!.EventType, record.Envelope.EventId, registration.Group);
                    Metrics.OnDuplicate(registration, record);
                }
                else
                {
                    Metrics.OnHandled(registration, record);
                }
            }

            return true;
        }
        finally
        {
            foreach (var span in spans)
            {
                span.Dispose();
            }
        }
    }
}
