using System.Text.Json.Nodes;
using Herald.Sagas;

namespace Herald.Cli.Commands;

/// <summary>Lowercase names the JSON and the tables use for enum values.</summary>
internal static class SagaJsonNames
{
    public static string Kind(SagaHistoryKind kind) => kind.ToString().ToLowerInvariant();

    public static string Kind(SagaEmissionKind kind) => kind switch
    {
        SagaEmissionKind.Event => "event",
        SagaEmissionKind.TimeoutScheduled => "timeout-scheduled",
        _ => "timeout-cancelled",
    };

    /// <summary>Stored JSON as a node, so <c>--json</c> nests it instead of quoting it.</summary>
    public static JsonNode? Node(string? json) => json is null ? null : JsonNode.Parse(json);
}

/// <summary><c>herald sagas list --json</c>.</summary>
internal sealed record SagaListJson(IReadOnlyList<SagaSummaryJson> Instances, int Total);

/// <summary>One instance in <c>herald sagas list --json</c>.</summary>
internal sealed record SagaSummaryJson(
    string Type, string Id, string Step, long Version, bool Completed, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt,
    double? IdleSeconds, DateTimeOffset? NextTimeoutAt, IReadOnlyList<string> ExpectedEvents)
{
    public static SagaSummaryJson From(SagaSummary s, DateTimeOffset now) => new(
        s.Type, s.Id, s.Step, s.Version, s.IsCompleted, s.CreatedAt, s.UpdatedAt, s.CompletedAt,
        s.IsCompleted ? null : Math.Round((now - s.UpdatedAt).TotalSeconds, 3), s.NextTimeoutAt, s.ExpectedEvents);
}

/// <summary><c>herald sagas show --json</c>: the history split into forward steps, compensation steps and unchanged events.</summary>
internal sealed record SagaInstanceJson(
    string Type, string Id, string Step, long Version, bool Completed, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt,
    string? CorrelationId, JsonNode? Data, SagaTimeoutJson? NextTimeout, IReadOnlyList<string> ExpectedEvents,
    IReadOnlyList<SagaHistoryJson> ForwardSteps, IReadOnlyList<SagaHistoryJson> CompensationSteps, IReadOnlyList<SagaHistoryJson> Unchanged,
    IReadOnlyList<SagaTimeoutJson> Timeouts)
{
    public static SagaInstanceJson From(SagaInstance i)
    {
        var s = i.Summary;
        return new(
            s.Type, s.Id, s.Step, s.Version, s.IsCompleted, s.CreatedAt, s.UpdatedAt, s.CompletedAt, i.CorrelationId, SagaJsonNames.Node(i.Data),
            i.NextTimeout is { } next ? SagaTimeoutJson.From(next) : null, s.ExpectedEvents,
            [.. i.ForwardSteps.Select(SagaHistoryJson.From)], [.. i.CompensationSteps.Select(SagaHistoryJson.From)], [.. i.Unchanged.Select(SagaHistoryJson.From)],
            [.. i.Timeouts.Select(SagaTimeoutJson.From)]);
    }
}

/// <summary>One history entry: the event in (with where it was read), the step change, the data before and after, what went out.</summary>
internal sealed record SagaHistoryJson(
    long Seq, DateTimeOffset At, string Kind, SagaEventJson Event, string? FromStep, string? ToStep, JsonNode? DataBefore, JsonNode? DataAfter,
    IReadOnlyList<SagaEmissionJson> Emitted)
{
    public static SagaHistoryJson From(SagaHistoryEntry h) => new(
        h.Seq, h.At, SagaJsonNames.Kind(h.Kind), new SagaEventJson(h.EventType, h.EventId, h.CausationId, h.Topic, h.Partition, h.Offset),
        h.FromStep, h.ToStep, SagaJsonNames.Node(h.DataBefore), SagaJsonNames.Node(h.DataAfter),
        [.. h.Emitted.Select(e => new SagaEmissionJson(SagaJsonNames.Kind(e.Kind), e.Type, e.Id, e.DueAt))]);
}

/// <summary>The event (or timeout) a history entry handled.</summary>
internal sealed record SagaEventJson(string Type, Guid Id, string? CausationId, string? Topic, int? Partition, long? Offset);

/// <summary>Something a step sent out.</summary>
internal sealed record SagaEmissionJson(string Kind, string? Type, Guid? Id, DateTimeOffset? DueAt);

/// <summary>One of an instance's timeouts.</summary>
internal sealed record SagaTimeoutJson(Guid Token, string Type, DateTimeOffset DueAt, string State, DateTimeOffset ScheduledAt, DateTimeOffset? FiredAt, DateTimeOffset? CancelledAt, DateTimeOffset? FailedAt, int Attempts, string? LastError)
{
    public static SagaTimeoutJson From(SagaTimeoutEntry t) => new(
        t.Token, t.TimeoutType, t.DueAt,
        t.FiredAt is not null ? "fired" : t.CancelledAt is not null ? "cancelled" : t.FailedAt is not null ? "failed" : "pending",
        t.ScheduledAt, t.FiredAt, t.CancelledAt, t.FailedAt, t.Attempts, t.LastError);
}
