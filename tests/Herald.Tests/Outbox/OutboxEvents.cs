using Herald.Contracts;

namespace Herald.Tests.Outbox;

[EventContract("OrderPlaced")]
public sealed record OrderPlaced([property: PartitionKey] string OrderId, int Sequence, string Note = "");
