namespace Herald.Outbox;

/// <summary>Settings shared by the outbox stores; change them with <c>with</c>.</summary>
/// <remarks>
/// Defaults: no table prefix (tables <c>herald_outbox</c>, <c>herald_outbox_dead</c>, <c>herald_outbox_lease</c> and
/// <c>herald_outbox_cursor</c>) and the system clock.
/// </remarks>
public sealed record OutboxOptions
{
    /// <summary>The default options.</summary>
    public static OutboxOptions Default { get; } = new();

    /// <summary>
    /// Prepended to every table name, for several outboxes in one database (letters, digits and underscores only; with
    /// PostgreSQL it may name a schema: <c>herald.</c>). Default: empty.
    /// </summary>
    public string TablePrefix
    {
        get;
        init => field = Storage.TablePrefix.Validate(value, nameof(value));
    } = "";

    /// <summary>
    /// The clock that stamps <c>created_at</c> and lease expiries. Default: <see cref="TimeProvider.System"/>.
    /// Relays on different machines compare lease expiries with their own clocks, so those must agree to well within
    /// <see cref="OutboxRelayOptions.LeaseDuration"/>.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The rows waiting to be published.</summary>
    public string OutboxTable => TablePrefix + "herald_outbox";

    /// <summary>Rows given up on after too many permanent failures.</summary>
    public string DeadTable => TablePrefix + "herald_outbox_dead";

    /// <summary>One lease row per relay name: which instance may publish.</summary>
    public string LeaseTable => TablePrefix + "herald_outbox_lease";

    /// <summary>One cursor row per relay name: the last position it completed.</summary>
    public string CursorTable => TablePrefix + "herald_outbox_cursor";
}
