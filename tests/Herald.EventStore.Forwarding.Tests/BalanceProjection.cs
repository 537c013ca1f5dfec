using System.Text.Json;
using Herald.EventStore.Projections;
using Herald.EventStore.Serialization;

namespace Herald.EventStore.Forwarding.Tests;

public sealed record Deposited(int Amount);

public sealed record Withdrawn(int Amount);

/// <summary>One view per stream: event count, balance and the positions it saw, in order (so a missing or doubled event shows).</summary>
public sealed record Balance(int Events, int Amount, IReadOnlyList<long> Positions);

public sealed class BalanceProjection(string table, string name = "balances") : ViewProjection<Balance>(name, table, EventTypes)
{
    public static readonly EventTypeMap EventTypes = new EventTypeMap().Map<Deposited>().Map<Withdrawn>();

    public static EventData Event(object @event, string? metadata = null) =>
        EventTypes.ToEventData(@event) with { Metadata = metadata is null ? null : System.Text.Encoding.UTF8.GetBytes(metadata) };

    protected override Balance? Apply(Balance? view, object @event, RecordedEvent recorded)
    {
        var amount = @event switch
        {
            Deposited d => d.Amount,
            Withdrawn w => -w.Amount,
            _ => 0,
        };
        return new Balance((view?.Events ?? 0) + 1, (view?.Amount ?? 0) + amount, [.. view?.Positions ?? [], recorded.GlobalPosition]);
    }

    public async Task<Dictionary<string, Balance>> ReadAsync(IProjectionStore store) =>
        (await ReadAllJsonAsync(store)).ToDictionary(p => p.Key, p => JsonSerializer.Deserialize<Balance>(p.Value, EventTypes.JsonOptions)!);
}
