using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Sagas;
using Herald.WebConsole.Sagas;

namespace Herald.Server;

/// <summary><c>GET /api/v1/sagas</c>: the instances (stalest first), how many match in all, and each source's state.</summary>
internal sealed record SagaListJson(DateTimeOffset GeneratedAt, int Total, IReadOnlyList<SagaSummaryJson> Instances, IReadOnlyList<SagaSourceJson> Sources, string? Message);

/// <summary>One source in <see cref="SagaListJson"/>: how many of its instances match, or why it could not be read.</summary>
internal sealed record SagaSourceJson(string Name, string? Description, int? Total, string? Error)
{
    public static SagaSourceJson From(SagaSourceResult r) => new(r.Source.Name, r.Source.Description, r.Error is null ? r.Total : null, r.Error);
}

/// <summary>One instance in a list: <c>herald sagas list --json</c>'s fields and the source.</summary>
internal sealed record SagaSummaryJson(
    string Source, string Type, string Id, string Step, long Version, bool Completed, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt, double? IdleSeconds, DateTimeOffset? NextTimeoutAt, IReadOnlyList<string> ExpectedEvents)
{
    public static SagaSummaryJson From(string source, SagaSummary s, DateTimeOffset now) => new(
        source, s.Type, s.Id, s.Step, s.Version, s.IsCompleted, s.CreatedAt, s.UpdatedAt, s.CompletedAt,
        s.IsCompleted ? null : Math.Round((now - s.UpdatedAt).TotalSeconds, 3), s.NextTimeoutAt, s.ExpectedEvents);
}

/// <summary>
/// <c>GET /api/v1/sagas/{source}/{type}/{id}</c>: where the instance stands, its data, next timeout and expected events,
/// its forward and compensation steps (in short), the full history and every timeout.
/// </summary>
internal sealed record SagaInstanceJson(
    string Source, string Type, string Id, string Step, long Version, bool Completed, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt, string? CorrelationId, JsonNode? Data, SagaTimeoutJson? NextTimeout, IReadOnlyList<string> ExpectedEvents,
    IReadOnlyList<SagaStepJson> ForwardSteps, IReadOnlyList<SagaStepJson> CompensationSteps, IReadOnlyList<SagaHistoryJson> History,
    IReadOnlyList<SagaTimeoutJson> Timeouts)
{
    public static SagaInstanceJson From(string source, SagaInstance i)
    {
        var s = i.Summary;
        return new(
            source, s.Type, s.Id, s.Step, s.Version, s.IsCompleted, s.CreatedAt, s.UpdatedAt, s.CompletedAt, i.CorrelationId, Node(i.Data),
            i.NextTimeout is { } next ? SagaTimeoutJson.From(next) : null, s.ExpectedEvents,
            [.. i.ForwardSteps.Select(SagaStepJson.From)], [.. i.CompensationSteps.Select(SagaStepJson.From)],
            [.. i.History.Select(SagaHistoryJson.From)], [.. i.Timeouts.Select(SagaTimeoutJson.From)]);
    }

    /// <summary>Stored JSON as a node, so it nests instead of being quoted; as a string when it does not parse.</summary>
    internal static JsonNode? Node(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }
}

/// <summary>One step of the forward or compensation path; its full entry is in the history under the same <c>seq</c>.</summary>
internal sealed record SagaStepJson(long Seq, DateTimeOffset At, string Kind, string EventType, string? FromStep, string? ToStep)
{
    public static SagaStepJson From(SagaHistoryEntry h) => new(h.Seq, h.At, SagaFormat.Kind(h.Kind), h.EventType, h.FromStep, h.ToStep);
}

/// <summary>One history entry: the event in (and where it was read), the step change, the data before and after, what went out.</summary>
internal sealed record SagaHistoryJson(
    long Seq, DateTimeOffset At, string Kind, bool Compensation, bool StateChanged, SagaEventJson Event, string? FromStep, string? ToStep,
    JsonNode? DataBefore, JsonNode? DataAfter, IReadOnlyList<SagaEmissionJson> Emitted)
{
    public static SagaHistoryJson From(SagaHistoryEntry h) => new(
        h.Seq, h.At, SagaFormat.Kind(h.Kind), h.IsCompensation, h.IsStateChange, new SagaEventJson(h.EventType, h.EventId, h.CausationId, h.Topic, h.Partition, h.Offset),
        h.FromStep, h.ToStep, SagaInstanceJson.Node(h.DataBefore), SagaInstanceJson.Node(h.DataAfter),
        [.. h.Emitted.Select(e => new SagaEmissionJson(SagaFormat.EmissionKind(e), e.Type, e.Id, e.DueAt))]);
}

/// <summary>The event (or timeout) a history entry handled; a timeout has no topic and its id is the timeout's token.</summary>
internal sealed record SagaEventJson(string Type, Guid Id, string? CausationId, string? Topic, int? Partition, long? Offset);

/// <summary>Something a step sent out: <c>event</c>, <c>timeout-scheduled</c> or <c>timeout-cancelled</c>.</summary>
internal sealed record SagaEmissionJson(string Kind, string? Type, Guid? Id, DateTimeOffset? DueAt);

/// <summary>One of an instance's timeouts; <c>state</c> is pending, fired, cancelled or failed.</summary>
internal sealed record SagaTimeoutJson(
    Guid Token, string Type, DateTimeOffset DueAt, string State, DateTimeOffset ScheduledAt, DateTimeOffset? FiredAt, DateTimeOffset? CancelledAt,
    DateTimeOffset? FailedAt, int Attempts, string? LastError)
{
    public static SagaTimeoutJson From(SagaTimeoutEntry t) => new(
        t.Token, t.TimeoutType, t.DueAt, SagaFormat.State(t), t.ScheduledAt, t.FiredAt, t.CancelledAt, t.FailedAt, t.Attempts, t.LastError);
}
