using Confluent.Kafka;

namespace Herald.EventStore.Forwarding;

/// <summary>
/// Events could not be published: the broker did not acknowledge them (unreachable, timed out, refused). Nothing after
/// <see cref="LastAcknowledgedPosition"/> is known to be in the topic, and no checkpoint moved past it.
/// </summary>
public sealed class ForwardingException : Exception
{
    /// <param name="message">What failed.</param>
    /// <param name="firstFailedPosition">The global position of the first event that was not acknowledged.</param>
    /// <param name="lastAcknowledgedPosition">Everything up to this position is in the topic.</param>
    /// <param name="error">The client's error.</param>
    /// <param name="inner">The client's exception.</param>
    public ForwardingException(string message, long firstFailedPosition, long lastAcknowledgedPosition, Error error, Exception? inner = null)
        : base(message, inner)
    {
        FirstFailedPosition = firstFailedPosition;
        LastAcknowledgedPosition = lastAcknowledgedPosition;
        Error = error;
    }

    /// <summary>The global position of the first event the broker did not acknowledge.</summary>
    public long FirstFailedPosition { get; }

    /// <summary>The last position up to which every event was acknowledged (where a checkpoint may stand).</summary>
    public long LastAcknowledgedPosition { get; }

    /// <summary>The Kafka client's error (code, reason, whether it is fatal).</summary>
    public Error Error { get; }

    /// <summary>Whether publishing again may succeed (the broker was unreachable or slow), as opposed to a refusal.</summary>
    public bool IsTransient => Error.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_MsgTimedOut
        or ErrorCode.Local_TimedOut or ErrorCode.RequestTimedOut or ErrorCode.NetworkException or ErrorCode.NotEnoughReplicas
        or ErrorCode.NotEnoughReplicasAfterAppend or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition
        or ErrorCode.Local_UnknownTopic or ErrorCode.UnknownTopicOrPart;
}
