using System.CommandLine;
using Confluent.Kafka;
using Herald.Cli.Dlq;
using Herald.Cli.Kafka;
using Herald.DeadLetters;

namespace Herald.Cli.Commands;

internal sealed partial class DlqCommand
{
    private Command CreateDiscardCommand()
    {
        var selection = new SelectionOptions("discard");
        var json = CommonOptions.Json("Print what was discarded and skipped as JSON on stdout");
        var broker = new BrokerConnectionOptions();
        var command = new Command(
            "discard",
            "Mark dead letters as dealt with, without re-publishing them, and record who, when and why on herald.audit; the records stay in the dead-letter topic")
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
            var outcome = await Task.Run(() => Discard(clients, dlqTopic, single, why, cancellationToken), cancellationToken).ConfigureAwait(false);

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

                foreach (var record in outcome.Discarded)
                {
                    await console.Error.WriteLineAsync($"discarded {dlqTopic}:{Format(record.Partition)}:{Format(record.Offset)}").ConfigureAwait(false);
                }

                await console.Error.WriteLineAsync(
                    $"discarded {Format(outcome.Discarded.Count)} dead letter(s) from {dlqTopic}, skipped {Format(outcome.Skipped.Count)}; audit record at {outcome.Audit}").ConfigureAwait(false);
            }

            return HeraldCli.Success;
        });
        return command;
    }

    private static DiscardOutcome Discard(KafkaClients clients, string dlqTopic, (int Partition, long Offset)? single, string reason, CancellationToken cancellationToken)
    {
        var metadata = GetMetadata(clients);
        var (pending, skipped) = SelectPending(clients, metadata, dlqTopic, single, "discard", cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        EnsureAuditTopic(clients, metadata, cancellationToken);

        // The audit record is the whole discard: nothing is deleted, the broker and `dlq list` read it to count the dead letter resolved.
        var discarded = pending.Select(l => new DiscardedRecord(l.Partition, l.Offset)).ToList();
        using var producer = DeadLetterTopic.CreateProducer(clients);
        Audit audit;
        try
        {
            audit = WriteAudit(
                producer,
                DeadLetterAudit.Now(DeadLetterAudit.DiscardAction, reason, dlqTopic, discarded.Select(d => new DeadLetterAuditRecord(d.Partition, d.Offset)).ToList()));
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            throw new CliException(
                $"could not write the audit record to {DeadLetterHeaders.AuditTopic} ({clients.Describe(e.Error, e).Message}); nothing was discarded",
                e);
        }

        return new DiscardOutcome(dlqTopic, reason, discarded, skipped, audit);
    }

    /// <summary>The output of <c>dlq discard --json</c>.</summary>
    internal sealed record DiscardOutcome(string DlqTopic, string Reason, IReadOnlyList<DiscardedRecord> Discarded, IReadOnlyList<SkippedDeadLetter> Skipped, Audit Audit);

    /// <summary>A dead letter this command marked discarded.</summary>
    internal sealed record DiscardedRecord(int Partition, long Offset);
}
