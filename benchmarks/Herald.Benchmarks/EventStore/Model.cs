using System.Text.Json;
using Herald.EventStore;
using Herald.EventStore.Aggregates;
using Herald.EventStore.Projections;
using Herald.EventStore.Serialization;
using JasperFx.Events;
using Marten.Events.Aggregation;

namespace Herald.Benchmarks.EventStore;

/// <summary>The event every store appends: ~200 B of JSON.</summary>
public sealed record OrderItemAdded(Guid OrderId, string Sku, int Qty, decimal Price, string Note);

/// <summary>The per-stream read model both projections build: event count, total quantity and total price.</summary>
public sealed class OrderSummary
{
    /// <summary>Marten's document id (the stream id); Herald keys its views by stream id and leaves it empty.</summary>
    public Guid Id { get; set; }

    public int Count { get; set; }

    public long Quantity { get; set; }

    public decimal Total { get; set; }

    public OrderSummary Fold(OrderItemAdded e)
    {
        Count++;
        Quantity += e.Qty;
        Total += e.Qty * e.Price;
        return this;
    }
}

/// <summary>Herald: one <see cref="OrderSummary"/> JSON view per stream, rebuilt by <see cref="ProjectionRebuilder"/>.</summary>
public sealed class HeraldOrderSummaries(EventTypeMap types) : ViewProjection<OrderSummary>("order-summaries", "order_summaries", types)
{
    public const string TableName = "order_summaries";

    protected override OrderSummary? Apply(OrderSummary? view, object @event, RecordedEvent recorded) =>
        @event is OrderItemAdded added ? (view ?? new OrderSummary()).Fold(added) : view;
}

/// <summary>Marten: the same fold as an async single-stream projection, rebuilt by the projection daemon.</summary>
public sealed class MartenOrderSummaries : SingleStreamProjection<OrderSummary, Guid>
{
    public OrderSummary Create(IEvent<OrderItemAdded> e) => new OrderSummary { Id = e.StreamId }.Fold(e.Data);

    public void Apply(OrderItemAdded e, OrderSummary view) => view.Fold(e);
}

/// <summary>The aggregate loaded by <see cref="AggregateRepository{T}"/> in the snapshot scenario.</summary>
public sealed class OrderAggregate : IAggregate
{
    public int Count { get; set; }

    public long Quantity { get; set; }

    public decimal Total { get; set; }

    public void Apply(object @event)
    {
        if (@event is OrderItemAdded e)
        {
            Count++;
            Quantity += e.Qty;
            Total += e.Qty * e.Price;
        }
    }
}

/// <summary>Shared event construction.</summary>
public static class Workload
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OrderItemAdded Event(string note, int i) =>
        new(Guid.NewGuid(), $"SKU-{i % 1000:D5}", 1 + (i % 9), 10.25m + (i % 100), note);

    /// <summary>
    /// Herald event ids: time-ordered v7 GUIDs by default, as <c>EventTypeMap.ToEventData</c> makes them;
    /// <c>--random-event-ids</c> uses v4 (the earlier versions of this benchmark did).
    /// </summary>
    public static bool RandomEventIds { get; set; }

    public static EventData Herald(string note, int i) =>
        new(RandomEventIds ? Guid.NewGuid() : Guid.CreateVersion7(), nameof(OrderItemAdded), 1, JsonSerializer.SerializeToUtf8Bytes(Event(note, i), Json));

    public static EventData[] HeraldBatch(string note, int count)
    {
        var events = new EventData[count];
        for (int i = 0; i < count; i++)
        {
            events[i] = Herald(note, i);
        }

        return events;
    }

    public static object[] MartenBatch(string note, int count)
    {
        var events = new object[count];
        for (int i = 0; i < count; i++)
        {
            events[i] = Event(note, i);
        }

        return events;
    }

    /// <summary>A note that makes the serialized event 200 bytes (web JSON defaults).</summary>
    public static string NoteFor200Bytes()
    {
        var bare = JsonSerializer.SerializeToUtf8Bytes(Event(string.Empty, 0), Json).Length;
        return new string('x', Math.Max(0, 200 - bare));
    }

    public static EventTypeMap Types() => new EventTypeMap { JsonOptions = Json }.Map<OrderItemAdded>();
}
