using System.CommandLine;
using Confluent.Kafka;
using Herald.Cli.Dlq;
using Herald.Cli.Kafka;
using Herald.DeadLetters;

namespace Herald.Cli.Commands;

internal sealed partial class DlqCommand
{
    private Command CreateRedriveCommand()
    {
        var selection = new SelectionOptions("redrive");
        var json = CommonOptions.Json("Print what was redriven and skipped as JSON on stdout");
        var broker = new BrokerConnectionOptions();
        var command = new Command(
            "redrive",
            "Re-publish dead letters to their original topic (acks=all) and record who, when and why on herald.audit; never the same dead letter twice")
        {
            selection.Topic, selection.Offset, selection.Partition, selection.All, selection.Reason, json,
        };
        broker.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var (why, single) = selection.Validate(result);
            var dlqTopic = DeadLetterTopic.Resolve(result.GetValue(selection.Topic)!);
            var clients = broker.CreateClients(result);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            var outcome = await Task.Run(
                () => Redrive(clients, dlqTopic, single, why, cancellationToken),
                cancellationToken).ConfigureAwait(false);

            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, outcome);
            }
            else
            {
                foreach (var skipped in outcome.Skipped)
                {
                    await console.Error.WriteLineAsync($"skipped {dlqTopic}:{Format(skipped.Partition)}:{Format(skipped.Offset)}: already {skipped.Status}").ConfigureAwait(false);
                }

                foreach (var record in outcome.Redriven)
                {
                    await console.Error.WriteLineAsync(
                        $"redrove {dlqTopic}:{Format(record.Partition)}:{Format(record.Offset)} to {record.TargetTopic}:{Format(record.TargetPartition)}:{Format(record.TargetOffset)}").ConfigureAwait(false);
                }

                await console.Error.WriteLineAsync(
                    $"redrove {Format(outcome.Redriven.Count)} dead letter(s) from {dlqTopic}, skipped {Format(outcome.Skipped.Count)}; audit record at {outcome.Audit}").ConfigureAwait(false);
            }

            return HeraldCli.Success;
        });
        return command;
    }

    private RedriveOutcome Redrive(KafkaClients clients, string dlqTopic, (int Partition, long Offset)? single, string reason, CancellationToken cancellationToken)
    {
        var metadata = GetMetadata(clients);
        var (pending, skipped) = SelectPending(clients, metadata, dlqTopic, single, "redrive", cancellationToken);

        // Refuse before publishing anything rather than redrive half of the selection.
        if (pending.Select(DeadLetterRedrive.Refusal).FirstOrDefault(r => r is not null) is { } refusal)
        {
            throw new CliException(refusal);
        }

        EnsureAuditTopic(clients, metadata, cancellationToken);

        using var producer = DeadLetterTopic.CreateProducer(clients);
        var delivered = new List<DeadLetterAuditRecord>();
        string? failure = null;
        var interrupted = false;
        foreach (var letter in pending)
        {
            // Ctrl-C stops between records; what was already re-published is still audited below.
            if (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }

            try
            {
                var report = producer.ProduceAsync(letter.OriginalTopic!, DeadLetterRedrive.ToMessage(letter, reason), CancellationToken.None).GetAwaiter().GetResult();
                delivered.Add(new DeadLetterAuditRecord(letter.Partition, letter.Offset, letter.OriginalTopic!, report.Partition.Value, report.Offset.Value));
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                failure = $"re-publishing {letter.Address} to '{letter.OriginalTopic}' failed: {clients.Describe(e.Error, e, letter.OriginalTopic).Message}";
                break;
            }
        }

        // Only what was re-published is audited; if this write is lost (crash, broker gone), the herald.redrive.from
        // header on the re-published records is how a person finds them before redriving again.
        Audit? audit = null;
        if (delivered.Count > 0)
        {
            try
            {
                audit = WriteAudit(producer, DeadLetterAudit.Now(DeadLetterAudit.RedriveAction, reason, dlqTopic, delivered));
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                var from = string.Join(", ", delivered.Select(d => $"{dlqTopic}:{Format(d.Partition)}:{Format(d.Offset)}"));
                throw new CliException(
                    $"re-published {from} but could not write the audit record to {DeadLetterHeaders.AuditTopic} ({clients.Describe(e.Error, e).Message}); they are not marked redriven, so do not redrive them again: find them by the {DeadLetterHeaders.RedrivenFrom} header",
                    e);
            }
        }

        if (interrupted)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        if (failure is not null)
        {
            throw new CliException(delivered.Count == 0 ? failure : $"{failure} (the {Format(delivered.Count)} re-published before it are audited at {audit})");
        }

        return new RedriveOutcome(
            dlqTopic,
            reason,
            delivered.Select(d => new RedrivenRecord(d.Partition, d.Offset, d.TargetTopic!, d.TargetPartition ?? -1, d.TargetOffset ?? -1)).ToList(),
            skipped,
            audit!);
    }

    /// <summary>The output of <c>dlq redrive --json</c>.</summary>
    internal sealed record RedriveOutcome(string DlqTopic, string Reason, IReadOnlyList<RedrivenRecord> Redriven, IReadOnlyList<SkippedDeadLetter> Skipped, Audit Audit);

    /// <summary>A dead letter re-published by this command, and where the copy landed.</summary>
    internal sealed record RedrivenRecord(int Partition, long Offset, string TargetTopic, int TargetPartition, long TargetOffset);
}
