using System.Data.Common;
using Herald.EventStore.Projections;
using Herald.EventStore.Serialization;

namespace Herald.EventStore.Tests.Projections;

/// <summary>An event with a number; <see cref="Poison"/> makes <see cref="StreamSummaryProjection"/> throw while it is poisoned.</summary>
public sealed record Happened(int I);

/// <summary>The event the test projections can be told to fail on.</summary>
public sealed record Poison(string Why);

/// <summary>One view per stream: how many events, their numbers in order, the last version.</summary>
public sealed record StreamSummary(int Count, IReadOnlyList<int> Numbers, long LastVersion);

/// <summary>A JSON view projection over <see cref="Happened"/> and <see cref="Poison"/>.</summary>
public sealed class StreamSummaryProjection : ViewProjection<StreamSummary>
{
    public static readonly EventTypeMap EventTypes = new EventTypeMap().Map<Happened>().Map<Poison>();

    public StreamSummaryProjection(string table = "stream_summaries", string name = "stream-summaries")
        : base(name, table, EventTypes)
    {
    }

    /// <summary>While true, a <see cref="Poison"/> event throws.</summary>
    public bool Poisoned { get; set; } = true;

    /// <summary>How many events <see cref="Apply"/> has seen (every call, including rolled-back ones).</summary>
    public int Applied;

    protected override StreamSummary? Apply(StreamSummary? view, object @event, RecordedEvent recorded)
    {
        Interlocked.Increment(ref Applied);
        if (@event is Poison poison && Poisoned)
        {
            throw new InvalidOperationException($"cannot digest poison: {poison.Why}");
        }

        var numbers = (view?.Numbers ?? []).Append(@event is Happened h ? h.I : -1).ToList();
        return new StreamSummary((view?.Count ?? 0) + 1, numbers, recorded.StreamVersion);
    }
}

/// <summary>A hand-written SQL projection: counts events per type with <c>n = n + 1</c>, so applying an event twice shows.</summary>
public sealed class TypeCounterProjection(string table = "type_counts", string name = "type-counts") : IProjection
{
    public string Name => name;

    public IReadOnlyList<string> Tables => [table];

    public async Task CreateAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"CREATE TABLE IF NOT EXISTS {context.Table(table)} (event_type TEXT PRIMARY KEY, n BIGINT NOT NULL)");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        await using var command = context.CreateCommand($"INSERT INTO {context.Table(table)} (event_type, n) VALUES (@type, 1) ON CONFLICT (event_type) DO UPDATE SET n = {context.Table(table)}.n + 1");
        var type = ProjectionContext.AddParameter(command, "@type", string.Empty);
        foreach (var e in events)
        {
            type.Value = e.EventType;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public static async Task<Dictionary<string, long>> ReadAsync(IProjectionStore store, string table = "type_counts")
    {
        await using var connection = await store.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT event_type, n FROM {table}";
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    public static async Task<IReadOnlyList<string>> TablesLikeAsync(IProjectionStore store, string pattern)
    {
        await using var connection = await store.OpenConnectionAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = store.Dialect == SqlDialect.PostgreSql
            ? "SELECT table_name FROM information_schema.tables WHERE table_name LIKE @p"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE @p";
        ProjectionContext.AddParameter(command, "@p", pattern);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
