namespace Herald.Outbox;

/// <summary>Who asks: a relay name (one lease and one cursor per name) and the instance that wants to hold its lease.</summary>
/// <param name="Relay">The relay name, e.g. <c>default</c>.</param>
/// <param name="Owner">This relay instance, unique per process (host, process id and a random part by default).</param>
public readonly record struct OutboxLease(string Relay, string Owner);
