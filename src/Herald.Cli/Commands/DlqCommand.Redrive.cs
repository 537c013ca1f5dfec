using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Dlq;
using Herald.Cli.Kafka;
using Herald.DeadLetters;

namespace Herald.Cli.Commands;

internal sealed partial class DlqCommand
{
    private Command CreateRedriveCommand()
    {
        var topic = new Argument<string>("topic") { Description = TopicDescription };
        var offset = new Option<long?>("--offset") { Description = "Redrive the dead letter at this offset", HelpName = "N" };
        var partition = new Option<int>("--partition", "-p") { Description = "Partition of the dead-letter topic, with --offset", HelpName = "P", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var all = new Option<bool>("--all") { Description = "Redrive every dead letter not redriven yet" };
        var reason = new Option<string?>("--reason") { Description = "Why, for the audit record (required)", HelpName = "WHY", Arity = ArgumentArity.ZeroOrOne };
        var json = CommonOptions.Json("Print what was redriven and skipped as JSON on stdout");
        var bootstrap = CommonOptions.Bootstrap();
        var command = new Command(
            "redrive",
            "Re-publish dead letters to their original topic (acks=all) and record who, when and why on herald.audit; never the same dead letter twice")
        {
            topic, offset, partition, all, reason, json, bootstrap,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var why = result.GetValue(reason)?.Trim();
            if (string.IsNullOrEmpty(why))
            {
                throw CliException.BadInput("redrive needs --reason \"why\"");
            }

            var single = result.GetValue(offset);
            var redriveAll = result.GetValue(all);
            if (single is null == !redriveAll)
            {
                throw CliException.BadInput(redriveAll ? "give either --offset N or --all, not both" : "redrive needs --offset N or --all");
            }

            if (single < 0)
            {
                throw CliException.BadInput($"--offset must be at least 0, got {single}");
            }

            if (redriveAll && result.GetResult(partition) is { Implicit: false })
            {
                throw CliException.BadInput("--partition goes with --offset; --all redrives every partition");
            }

            var dlqTopic = DeadLetterTopic.Resolve(result.GetValue(topic)!);
            var clients = new KafkaClients(result.GetValue(bootstrap)!);
            await clients.EnsureReachableAsync(cancellationToken).ConfigureAwait(false);
            var outcome = await Task.Run(
                () => Redrive(clients, dlqTopic, single is { } o ? (result.GetValue(partition), o) : null, why, cancellationToken),
                cancellationToken).ConfigureAwait(false);

            if (result.GetValue(json))
            {
                CliOutput.WriteJson(console.Out, outcome);
            }
            else
            {
                foreach (var skipped in outcome.Skipped)
                {
                    await console.Error.WriteLineAsync($"skipped {dlqTopic}:{Format(skipped.Partition)}:{Format(skipped.Offset)}: already redriven").ConfigureAwait(false);
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
        var partitions = DeadLetterTopic.Partitions(metadata, dlqTopic);

        // The audit topic is read first: a dead letter it lists was already redriven and is never re-published again.
        var redriven = DeadLetterTopic.ReadRedriven(clients, metadata, dlqTopic, cancellationToken);
        IReadOnlyList<DeadLetter> selected = single is { } one
            ? [DeadLetterTopic.ReadOne(clients, dlqTopic, partitions, one.Partition, one.Offset, cancellationToken)]
            : DeadLetterTopic.ReadAll(clients, dlqTopic, partitions, cancellationToken);
        if (selected.Count == 0)
        {
            throw new CliException($"no dead letters in {dlqTopic}; nothing to redrive");
        }

        var skipped = selected.Where(l => redriven.Contains((l.Partition, l.Offset))).Select(l => new RedriveSkip(l.Partition, l.Offset)).ToList();
        var pending = selected.Where(l => !redriven.Contains((l.Partition, l.Offset))).ToList();
        if (pending.Count == 0)
        {
            throw new CliException(single is not null
                ? $"dead letter {selected[0].Address} was already redriven (see {DeadLetterHeaders.AuditTopic}); nothing to do"
                : $"all {Format(selected.Count)} dead letter(s) in {dlqTopic} were already redriven (see {DeadLetterHeaders.AuditTopic}); nothing to do");
        }

        // Refuse before publishing anything rather than redrive half of the selection.
        if (pending.FirstOrDefault(l => l.OriginalTopic is null) is { } orphan)
        {
            throw new CliException($"dead letter {orphan.Address} has no {DeadLetterHeaders.OriginalTopic} header; cannot tell where to redrive it");
        }

        EnsureAuditTopic(clients, metadata, cancellationToken);

        using var producer = DeadLetterTopic.CreateProducer(clients);
        var delivered = new List<RedriveAuditRecord>();
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
                var report = producer.ProduceAsync(letter.OriginalTopic!, ToRedrive(letter, reason), CancellationToken.None).GetAwaiter().GetResult();
                delivered.Add(new RedriveAuditRecord(letter.Partition, letter.Offset, letter.OriginalTopic!, report.Partition.Value, report.Offset.Value));
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
            var record = new RedriveAudit(
                RedriveAudit.RedriveAction,
                RedriveAudit.CurrentUser(),
                DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                reason,
                dlqTopic,
                delivered);
            try
            {
                var report = producer.ProduceAsync(
                    DeadLetterHeaders.AuditTopic,
                    new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(dlqTopic), Value = record.ToUtf8() },
                    CancellationToken.None).GetAwaiter().GetResult();
                audit = new Audit(report.Topic, report.Partition.Value, report.Offset.Value);
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
            delivered.Select(d => new RedrivenRecord(d.Partition, d.Offset, d.TargetTopic, d.TargetPartition ?? -1, d.TargetOffset ?? -1)).ToList(),
            skipped,
            audit!);
    }

    private static Message<byte[], byte[]> ToRedrive(DeadLetter letter, string reason)
    {
        var headers = new Headers();
        foreach (var header in letter.Headers.Where(h => !DeadLetter.IsDeadLetterHeader(h.Key) && !DeadLetter.IsRedriveHeader(h.Key)))
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(DeadLetterHeaders.RedrivenFrom, Encoding.UTF8.GetBytes(letter.Address));
        headers.Add(DeadLetterHeaders.RedriveReason, Encoding.UTF8.GetBytes(reason));
        return new Message<byte[], byte[]> { Key = letter.Key!, Value = letter.Value!, Headers = headers };
    }

    /// <summary>Creates <c>herald.audit</c> when it is missing, so a broker without topic auto-creation fails before anything is re-published.</summary>
    private static void EnsureAuditTopic(KafkaClients clients, Metadata metadata, CancellationToken cancellationToken)
    {
        if (DeadLetterTopic.FindPartitions(metadata, DeadLetterHeaders.AuditTopic) is not null)
        {
            return;
        }

        using var admin = clients.CreateAdmin();
        try
        {
            admin.CreateTopicsAsync(
                    [new TopicSpecification { Name = DeadLetterHeaders.AuditTopic, NumPartitions = 1, ReplicationFactor = 1 }],
                    new CreateTopicsOptions { RequestTimeout = KafkaClients.RequestTimeout, OperationTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).GetAwaiter().GetResult();
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Created by someone else in the meantime.
        }
        catch (CreateTopicsException e)
        {
            throw new CliException($"cannot create the audit topic {DeadLetterHeaders.AuditTopic}: {clients.Describe(e.Results.FirstOrDefault()?.Error ?? e.Error, e).Message}", e);
        }
        catch (KafkaException e)
        {
            throw new CliException($"cannot create the audit topic {DeadLetterHeaders.AuditTopic}: {clients.Describe(e.Error, e).Message}", e);
        }
    }

    /// <summary>The output of <c>dlq redrive --json</c>.</summary>
    internal sealed record RedriveOutcome(string DlqTopic, string Reason, IReadOnlyList<RedrivenRecord> Redriven, IReadOnlyList<RedriveSkip> Skipped, Audit Audit);

    /// <summary>A dead letter re-published by this command, and where the copy landed.</summary>
    internal sealed record RedrivenRecord(int Partition, long Offset, string TargetTopic, int TargetPartition, long TargetOffset);

    /// <summary>A selected dead letter that an earlier redrive already re-published.</summary>
    internal sealed record RedriveSkip(int Partition, long Offset);

    /// <summary>Where the audit record was written.</summary>
    internal sealed record Audit(string Topic, int Partition, long Offset)
    {
        public override string ToString() => $"{Topic}:{Partition.ToString(CultureInfo.InvariantCulture)}:{Offset.ToString(CultureInfo.InvariantCulture)}";
    }
}
