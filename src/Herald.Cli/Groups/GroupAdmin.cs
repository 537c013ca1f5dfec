using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Kafka;

namespace Herald.Cli.Groups;

/// <summary>The Kafka admin calls behind <c>groups reset-offsets</c> and <c>groups delete</c>, each bounded and its errors in one line.</summary>
internal sealed class GroupAdmin(KafkaClients clients, IAdminClient admin)
{
    /// <summary>The group's state and members, or <see langword="null"/> when the broker does not know it.</summary>
    public async Task<ConsumerGroupDescription?> DescribeAsync(string group, CancellationToken cancellationToken)
    {
        ConsumerGroupDescription description;
        try
        {
            var result = await admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            description = result.ConsumerGroupDescriptions.Single();
        }
        catch (DescribeConsumerGroupsException e) when (e.Results.ConsumerGroupDescriptions.FirstOrDefault() is { } failed)
        {
            description = failed;
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e);
        }

        if (description.Error.Code == ErrorCode.GroupIdNotFound || (description.Error.Code == ErrorCode.NoError && description.State is ConsumerGroupState.Dead or ConsumerGroupState.Unknown && description.Members.Count == 0))
        {
            return null;
        }

        return description.Error.Code == ErrorCode.NoError
            ? description
            : throw Refused($"cannot describe consumer group '{group}'", description.Error);
    }

    /// <summary>The group's committed offset on each partition of <paramref name="topic"/>; <see langword="null"/> where it never committed.</summary>
    public async Task<IReadOnlyDictionary<int, long?>> CommittedAsync(string group, string topic, IReadOnlyList<int> partitions, CancellationToken cancellationToken)
    {
        List<TopicPartitionOffsetError> offsets;
        try
        {
            var results = await admin.ListConsumerGroupOffsetsAsync(
                    [new ConsumerGroupTopicPartitions(group, partitions.Select(p => new TopicPartition(topic, p)).ToList())],
                    new ListConsumerGroupOffsetsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            offsets = results.Single().Partitions;
        }
        catch (ListConsumerGroupOffsetsException e)
        {
            var report = e.Results.FirstOrDefault();
            throw report is null
                ? clients.Describe(e.Error, e)
                : Refused($"cannot read the committed offsets of group '{group}'", report.Error.IsError ? report.Error : report.Partitions.First(p => p.Error.IsError).Error, e);
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e);
        }

        if (offsets.FirstOrDefault(p => p.Error.IsError) is { } failed)
        {
            throw Refused($"cannot read the committed offset of group '{group}' on {topic}:{failed.Partition.Value}", failed.Error);
        }

        return offsets.ToDictionary(p => p.Partition.Value, p => p.Offset.IsSpecial ? (long?)null : p.Offset.Value);
    }

    /// <summary>The offset <paramref name="spec"/> names on each partition of <paramref name="topic"/>; <see langword="null"/> where there is none (a time after every record).</summary>
    public async Task<IReadOnlyDictionary<int, long?>> ListOffsetsAsync(string topic, IReadOnlyList<int> partitions, OffsetSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var result = await admin.ListOffsetsAsync(
                    partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(topic, p), OffsetSpec = spec }),
                    new ListOffsetsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            return result.ResultInfos.ToDictionary(
                r => r.TopicPartitionOffsetError.Partition.Value,
                r => r.TopicPartitionOffsetError.Offset.Value >= 0 ? r.TopicPartitionOffsetError.Offset.Value : (long?)null);
        }
        catch (ListOffsetsException e)
        {
            var failed = e.Result.ResultInfos.Select(r => r.TopicPartitionOffsetError).FirstOrDefault(p => p.Error.IsError);
            throw failed is null
                ? clients.Describe(e.Error, e, topic)
                : Refused($"cannot list the offsets of {topic}:{failed.Partition.Value}", failed.Error, e);
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e, topic);
        }
    }

    /// <summary>Commits <paramref name="offsets"/> for the (empty) group, all or nothing as the broker decides.</summary>
    public async Task AlterAsync(string group, IReadOnlyList<TopicPartitionOffset> offsets, CancellationToken cancellationToken)
    {
        try
        {
            var results = await admin.AlterConsumerGroupOffsetsAsync(
                    [new ConsumerGroupTopicPartitionOffsets(group, offsets.ToList())],
                    new AlterConsumerGroupOffsetsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (results.Single().Partitions.FirstOrDefault(p => p.Error.IsError) is { } failed)
            {
                throw Refused($"the broker refused the new offset of group '{group}' on {failed.Topic}:{failed.Partition.Value}", failed.Error);
            }
        }
        catch (AlterConsumerGroupOffsetsException e)
        {
            var report = e.Results.FirstOrDefault();
            var failed = report?.Partitions.FirstOrDefault(p => p.Error.IsError);
            throw (report, failed) switch
            {
                (null, _) => clients.Describe(e.Error, e),
                (_, null) => Refused($"the broker refused the new offsets of group '{group}'", report.Error.IsError ? report.Error : e.Error, e),
                _ => Refused($"the broker refused the new offset of group '{group}' on {failed.Topic}:{failed.Partition.Value}", failed.Error, e),
            };
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e);
        }
    }

    /// <summary>Deletes the group and its committed offsets; refused while it has members.</summary>
    public async Task DeleteAsync(string group, CancellationToken cancellationToken)
    {
        try
        {
            await admin.DeleteGroupsAsync([group], new DeleteGroupsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DeleteGroupsException e) when (e.Results.FirstOrDefault() is { } report)
        {
            throw report.Error.Code switch
            {
                ErrorCode.NonEmptyGroup => new CliException(
                    $"consumer group '{group}' still has members ({KafkaErrorNames.Name(report.Error.Code)}); stop its consumers, then delete it", e),
                ErrorCode.GroupIdNotFound => new CliException($"consumer group '{group}' does not exist ({KafkaErrorNames.Name(report.Error.Code)})", e),
                _ => Refused($"cannot delete consumer group '{group}'", report.Error, e),
            };
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e);
        }
    }

    /// <summary><c>{what}: {reason} ({NAME (code)})</c>, or the unreachable-broker line for a transport error.</summary>
    private CliException Refused(string what, Error error, Exception? inner = null)
    {
        var described = clients.Describe(error, inner);
        if (described.Message.StartsWith("cannot reach broker", StringComparison.Ordinal))
        {
            return described;
        }

        var name = KafkaErrorNames.Name(error.Code);
        return new CliException(string.IsNullOrWhiteSpace(error.Reason) || error.Reason == name ? $"{what}: {name}" : $"{what}: {error.Reason} ({name})", inner);
    }
}
