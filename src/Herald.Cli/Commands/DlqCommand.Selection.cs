using System.CommandLine;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Dlq;
using Herald.Cli.Kafka;
using Herald.DeadLetters;

namespace Herald.Cli.Commands;

/// <summary>What <c>redrive</c> and <c>discard</c> share: choosing dead letters, refusing resolved ones, and the audit record.</summary>
internal sealed partial class DlqCommand
{
    /// <summary>The options that choose dead letters and say why, for one of the audited verbs.</summary>
    private sealed class SelectionOptions(string verb)
    {
        public Argument<string> Topic { get; } = new("topic") { Description = TopicDescription };

        public Option<long?> Offset { get; } = new("--offset") { Description = $"{Capitalize(verb)} the dead letter at this offset", HelpName = "N" };

        public Option<int> Partition { get; } = new Option<int>("--partition", "-p") { Description = "Partition of the dead-letter topic, with --offset", HelpName = "P", DefaultValueFactory = _ => 0 }.AtLeast(0);

        public Option<bool> All { get; } = new("--all") { Description = $"{Capitalize(verb)} every dead letter not redriven or discarded yet" };

        public Option<string?> Reason { get; } = new("--reason") { Description = "Why, for the audit record (required)", HelpName = "WHY", Arity = ArgumentArity.ZeroOrOne };

        public string Verb { get; } = verb;

        /// <summary>The reason and the single dead letter (or <see langword="null"/> for <c>--all</c>); a usage error before any connection otherwise.</summary>
        public (string Reason, (int Partition, long Offset)? Single) Validate(ParseResult result)
        {
            var why = DeadLetterAudit.NormalizeReason(result.GetValue(Reason));
            if (why is null)
            {
                throw CliException.BadInput($"{Verb} needs --reason \"why\"");
            }

            var single = result.GetValue(Offset);
            var selectAll = result.GetValue(All);
            if (single is null == !selectAll)
            {
                throw CliException.BadInput(selectAll ? "give either --offset N or --all, not both" : $"{Verb} needs --offset N or --all");
            }

            if (single < 0)
            {
                throw CliException.BadInput($"--offset must be at least 0, got {single}");
            }

            if (selectAll && result.GetResult(Partition) is { Implicit: false })
            {
                throw CliException.BadInput($"--partition goes with --offset; --all {Verb}s every partition");
            }

            return (why, single is { } offset ? (result.GetValue(Partition), offset) : null);
        }

        private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
    }

    /// <summary>
    /// The selected dead letters not resolved yet, and the ones skipped because an audit record already resolves them;
    /// fails when nothing is left to do.
    /// </summary>
    /// <remarks>The audit topic is read first: a dead letter it lists is never redriven or discarded again.</remarks>
    private static (IReadOnlyList<DeadLetter> Pending, IReadOnlyList<SkippedDeadLetter> Skipped) SelectPending(
        KafkaClients clients, Metadata metadata, string dlqTopic, (int Partition, long Offset)? single, string verb, CancellationToken cancellationToken)
    {
        var partitions = DeadLetterTopic.Partitions(metadata, dlqTopic);
        var resolved = DeadLetterTopic.ReadResolved(clients, metadata, dlqTopic, cancellationToken);
        IReadOnlyList<DeadLetter> selected = single is { } one
            ? [DeadLetterTopic.ReadOne(clients, dlqTopic, partitions, one.Partition, one.Offset, cancellationToken)]
            : DeadLetterTopic.ReadAll(clients, dlqTopic, partitions, cancellationToken);
        if (selected.Count == 0)
        {
            throw new CliException($"no dead letters in {dlqTopic}; nothing to {verb}");
        }

        var split = DeadLetterSelection.Split(selected, (partition, offset) => resolved.GetValueOrDefault((partition, offset)));
        if (split.NothingToDo(dlqTopic, single is not null) is { } nothingToDo)
        {
            throw new CliException(nothingToDo);
        }

        return (split.Pending, split.Skipped.Select(s => new SkippedDeadLetter(s.Letter.Partition, s.Letter.Offset, s.Status.ToText())).ToList());
    }

    /// <summary>Appends <paramref name="record"/> to <c>herald.audit</c>, keyed by its dead-letter topic; returns where it landed.</summary>
    private static Audit WriteAudit(IProducer<byte[], byte[]> producer, DeadLetterAudit record)
    {
        var report = producer.ProduceAsync(
            DeadLetterHeaders.AuditTopic,
            new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(record.DlqTopic), Value = record.ToUtf8() },
            CancellationToken.None).GetAwaiter().GetResult();
        return new Audit(report.Topic, report.Partition.Value, report.Offset.Value);
    }

    /// <summary>Creates <c>herald.audit</c> when it is missing, so a broker without topic auto-creation fails before anything is changed.</summary>
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

    /// <summary>A selected dead letter that an earlier redrive or discard already resolved; <see cref="Status"/> says which.</summary>
    internal sealed record SkippedDeadLetter(int Partition, long Offset, string Status);

    /// <summary>Where the audit record was written.</summary>
    internal sealed record Audit(string Topic, int Partition, long Offset)
    {
        public override string ToString() => $"{Topic}:{Partition.ToString(CultureInfo.InvariantCulture)}:{Offset.ToString(CultureInfo.InvariantCulture)}";
    }
}
