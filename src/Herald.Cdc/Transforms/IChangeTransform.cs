using Herald.Cdc.Model;

namespace Herald.Cdc.Transforms;

/// <summary>
/// Turns one change event into the records to publish (Kafka Connect's single message transform, placed where
/// Debezium places it: after the envelope is built, before the producer). The default emits the envelope and, after a
/// delete, a tombstone; <c>ExtractNewRecordState</c> emits the flat row instead.
/// </summary>
public interface IChangeTransform
{
    /// <summary>The records for <paramref name="change"/>, in order; empty to drop it.</summary>
    /// <param name="change">The captured change.</param>
    /// <param name="topic">The topic it would go to.</param>
    IReadOnlyList<CdcRecord> Apply(ChangeEvent change, string topic);
}
