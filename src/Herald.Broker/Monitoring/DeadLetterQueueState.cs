namespace Herald.Broker.Monitoring;

/// <summary>One dead-letter topic (<c>&lt;topic&gt;.dlq</c>): how many dead letters it holds and how many no one has resolved yet.</summary>
/// <param name="Topic">The dead-letter topic, e.g. <c>orders.dlq</c>.</param>
/// <param name="SourceTopic">The topic its dead letters came from, e.g. <c>orders</c>.</param>
/// <param name="Messages">Dead letters still in the log (all partitions).</param>
/// <param name="Resolved">Of those, the ones redriven or discarded (audited on <c>herald.audit</c>).</param>
/// <param name="Depth"><see cref="Messages"/> − <see cref="Resolved"/>: dead letters waiting for a person.</param>
/// <param name="OldestUnresolvedAgeSeconds">Now minus the broker's append time of the oldest unresolved dead letter; null when none.</param>
public sealed record DeadLetterQueueState(
    string Topic,
    string SourceTopic,
    long Messages,
    long Resolved,
    long Depth,
    double? OldestUnresolvedAgeSeconds);
