namespace Herald.Consuming;

/// <summary>Values of <see cref="ProcessedEvent.Outcome"/> and of the process span's <c>herald.outcome</c> tag.</summary>
internal static class ConsumerOutcomes
{
    public const string Handled = "handled";
    public const string Duplicate = "duplicate";
    public const string DeadLetter = "dead-letter";

    /// <summary>Only on spans: the record's batch rolled back, and the record is handled again on its own.</summary>
    public const string RolledBack = "rolled-back";
}
