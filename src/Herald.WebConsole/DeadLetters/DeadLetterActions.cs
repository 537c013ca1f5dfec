using Confluent.Kafka;
using Herald.Broker;
using Herald.DeadLetters;
using Herald.WebConsole.Audit;
using Herald.WebConsole.Kafka;

namespace Herald.WebConsole.DeadLetters;

/// <summary>
/// Redrive and discard from the console, with the CLI's rules (the shared core in <c>Herald.DeadLetters</c>): a reason
/// is required, a resolved dead letter is never redriven or discarded again, a redrive re-publishes key, value and
/// original headers to the original topic, and every action appends one audit record to <c>herald.audit</c> after it
/// succeeded.
/// </summary>
/// <remarks>
/// Actions run one at a time in this process, so two people confirming the same bulk redrive cannot both re-publish a
/// dead letter; each re-reads the audit records before it acts.
/// </remarks>
internal sealed class DeadLetterActions(KafkaBroker broker, DeadLetterBrowser browser, ResolvedDeadLetters resolved, ConsoleProducer producer, AuditLog audit) : IDisposable
{
    /// <summary>The most dead letters one bulk action handles; the preview says when more wait.</summary>
    public const int BulkLimit = 1_000;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>What redriving or discarding <paramref name="addresses"/> (or, when null, every waiting dead letter up to <see cref="BulkLimit"/>) would do.</summary>
    public DeadLetterPlan Preview(string dlqTopic, DeadLetterVerb verb, IReadOnlyList<DeadLetterAddress>? addresses)
    {
        var more = false;
        var missing = new List<DeadLetterAddress>();
        IReadOnlyList<DeadLetter> selected;
        if (addresses is null)
        {
            (selected, more) = browser.ReadWaiting(dlqTopic, BulkLimit);
        }
        else
        {
            var found = new List<DeadLetter>();
            foreach (var address in addresses.Distinct().Take(BulkLimit))
            {
                if (browser.ReadOne(dlqTopic, address.Partition, address.Offset, withPayload: false) is { } letter)
                {
                    found.Add(letter);
                }
                else
                {
                    missing.Add(address);
                }
            }

            more = addresses.Distinct().Count() > BulkLimit;
            selected = found;
        }

        var statuses = resolved.For(dlqTopic);
        var split = DeadLetterSelection.Split(selected, (partition, offset) => statuses.GetValueOrDefault((partition, offset)));
        var refusal = verb == DeadLetterVerb.Redrive ? split.Pending.Select(RedriveRefusal).FirstOrDefault(r => r is not null) : null;
        return new DeadLetterPlan(dlqTopic, verb, split.Pending, split.Skipped, missing, more, refusal);
    }

    /// <summary>
    /// Redrives or discards <paramref name="addresses"/> now, as <paramref name="who"/>, for <paramref name="reason"/>
    /// (refused when empty); the ones already resolved are skipped.
    /// </summary>
    public async Task<DeadLetterOutcome> ExecuteAsync(
        string dlqTopic, DeadLetterVerb verb, IReadOnlyList<DeadLetterAddress> addresses, string reason, string who, CancellationToken cancellationToken = default)
    {
        var why = DeadLetterAudit.NormalizeReason(reason) ?? throw new ArgumentException("a redrive or discard needs a reason", nameof(reason));
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Decided again under the lock: what was resolved since the preview is skipped, not done twice.
            var plan = Preview(dlqTopic, verb, addresses);
            if (plan.Missing.Count > 0 && plan.Pending.Count == 0 && plan.Skipped.Count == 0)
            {
                return new DeadLetterOutcome(verb, [], [], null, $"no dead letter at {dlqTopic}:{plan.Missing[0]}");
            }

            var selection = new DeadLetterSelection(plan.Pending, plan.Skipped);
            if (selection.NothingToDo(dlqTopic, addresses.Count == 1) is { } nothingToDo)
            {
                return new DeadLetterOutcome(verb, [], plan.Skipped, null, nothingToDo);
            }

            if (plan.Pending.Count == 0)
            {
                return new DeadLetterOutcome(verb, [], [], null, $"no dead letters waiting in {dlqTopic}; nothing to {(verb == DeadLetterVerb.Redrive ? "redrive" : "discard")}");
            }

            if (plan.Refusal is not null)
            {
                return new DeadLetterOutcome(verb, [], plan.Skipped, null, plan.Refusal);
            }

            return verb == DeadLetterVerb.Redrive
                ? await RedriveAsync(plan, why, who, cancellationToken).ConfigureAwait(false)
                : await DiscardAsync(plan, why, who).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>The CLI's refusal (no original topic), and one it learns only after a timeout: the original topic is gone and the broker will not create it.</summary>
    private string? RedriveRefusal(DeadLetter letter) =>
        DeadLetterRedrive.Refusal(letter)
        ?? (broker.Options.AutoCreateTopics || broker.Topics.Find(letter.OriginalTopic!) is not null
            ? null
            : $"the original topic '{letter.OriginalTopic}' of dead letter {letter.Address} does not exist and this broker does not create topics on demand; create it first");

    private async Task<DeadLetterOutcome> RedriveAsync(DeadLetterPlan plan, string reason, string who, CancellationToken cancellationToken)
    {
        var delivered = new List<DeadLetterAuditRecord>();
        string? failure = null;
        foreach (var listed in plan.Pending)
        {
            // The plan lists dead letters without their payload: read each whole record only when re-publishing it.
            var letter = browser.ReadOne(plan.DlqTopic, listed.Partition, listed.Offset, withPayload: true);
            if (letter is null)
            {
                failure = $"dead letter {listed.Address} is no longer in the log; stopped there";
                break;
            }

            try
            {
                // Not cancellable once started: a sent record must be audited.
                var report = await producer.Producer.ProduceAsync(letter.OriginalTopic!, DeadLetterRedrive.ToMessage(letter, reason), CancellationToken.None).ConfigureAwait(false);
                delivered.Add(new DeadLetterAuditRecord(letter.Partition, letter.Offset, letter.OriginalTopic!, report.Partition.Value, report.Offset.Value));
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                failure = $"re-publishing {letter.Address} to '{letter.OriginalTopic}' failed: {e.Error.Reason}";
                break;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                failure = "the request was cancelled; the dead letters re-published before that are audited";
                break;
            }
        }

        if (delivered.Count == 0)
        {
            return new DeadLetterOutcome(DeadLetterVerb.Redrive, [], plan.Skipped, null, failure);
        }

        // Only what was re-published is audited; if this write is lost, the herald.redrive.from header on the copies
        // is how a person finds them before redriving again.
        try
        {
            var offset = await audit.AppendAsync(plan.DlqTopic, DeadLetterAudit.Now(DeadLetterAudit.RedriveAction, who, reason, plan.DlqTopic, delivered)).ConfigureAwait(false);
            return new DeadLetterOutcome(DeadLetterVerb.Redrive, delivered, plan.Skipped, new TopicPartitionOffset(AuditLog.Topic, 0, offset), failure);
        }
        catch (InvalidOperationException e)
        {
            var from = string.Join(", ", delivered.Select(d => $"{plan.DlqTopic}:{d.Partition}:{d.Offset}"));
            return new DeadLetterOutcome(
                DeadLetterVerb.Redrive,
                delivered,
                plan.Skipped,
                null,
                $"re-published {from} but could not write the audit record to {DeadLetterHeaders.AuditTopic} ({e.Message}); they are not marked redriven, so do not redrive them again: find them by the {DeadLetterHeaders.RedrivenFrom} header");
        }
    }

    private async Task<DeadLetterOutcome> DiscardAsync(DeadLetterPlan plan, string reason, string who)
    {
        // Not cancellable: a record sent may land even when its wait is cancelled, and then it must be reported.
        // The audit record is the whole discard: nothing is deleted; the broker and the CLI read it to count the dead letter resolved.
        var discarded = plan.Pending.Select(l => new DeadLetterAuditRecord(l.Partition, l.Offset)).ToList();
        try
        {
            var offset = await audit.AppendAsync(plan.DlqTopic, DeadLetterAudit.Now(DeadLetterAudit.DiscardAction, who, reason, plan.DlqTopic, discarded)).ConfigureAwait(false);
            return new DeadLetterOutcome(DeadLetterVerb.Discard, discarded, plan.Skipped, new TopicPartitionOffset(AuditLog.Topic, 0, offset), null);
        }
        catch (InvalidOperationException e)
        {
            return new DeadLetterOutcome(DeadLetterVerb.Discard, [], plan.Skipped, null, $"could not write the audit record to {DeadLetterHeaders.AuditTopic} ({e.Message}); nothing was discarded");
        }
    }
}
