namespace Herald.Inbox;

/// <summary>Settings shared by the inbox stores; change them with <c>with</c>.</summary>
/// <remarks>
/// Defaults: no table prefix (tables <c>processed_events</c> and <c>consumer_attempts</c>) and the system clock.
/// </remarks>
public sealed record InboxOptions
{
    /// <summary>The default options.</summary>
    public static InboxOptions Default { get; } = new();

    /// <summary>
    /// Prepended to both table names, for several inboxes in one database (letters, digits and underscores only;
    /// with PostgreSQL it may name a schema: <c>herald.</c>). Default: empty.
    /// </summary>
    public string TablePrefix
    {
        get;
        init => field = Storage.TablePrefix.Validate(value, nameof(value));
    } = "";

    /// <summary>The clock that stamps <c>processed_at</c> and <c>updated_at</c>. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The name of the processed-events table, with <see cref="TablePrefix"/>.</summary>
    public string ProcessedEventsTable => TablePrefix + "processed_events";

    /// <summary>The name of the attempts table, with <see cref="TablePrefix"/>.</summary>
    public string ConsumerAttemptsTable => TablePrefix + "consumer_attempts";
}
