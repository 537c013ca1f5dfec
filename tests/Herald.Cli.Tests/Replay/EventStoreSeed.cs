using System.Text;
using Herald.EventStore;
using Herald.EventStore.Projections;
using Herald.EventStore.Sqlite;
using Microsoft.Data.Sqlite;

namespace Herald.Cli.Tests.Replay;

/// <summary>A SQLite event store in its own temporary folder with a known feed: positions 1-11, one of them a snapshot.</summary>
internal sealed class EventStoreSeed : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "herald-cli-tests", "replay-" + Guid.NewGuid().ToString("N"));

    public EventStoreSeed()
    {
        Directory.CreateDirectory(_directory);
        File = Path.Combine(_directory, "events.db");
        Store = new SqliteEventStore($"Data Source={File}");
    }

    public string File { get; }

    public SqliteEventStore Store { get; }

    public static EventData Event(string type, int amount) =>
        new(Guid.NewGuid(), type, 1, Encoding.UTF8.GetBytes($$"""{"amount":{{amount}}}"""));

    /// <summary>acct-1: 1-3 and 9, acct-2: 4-5, the snapshot 6, other-1: 7-8, acct-3: 10-11; Withdrawn at 4 and 9.</summary>
    public async Task<EventStoreSeed> SeedAsync()
    {
        await Store.EnsureCreatedAsync();
        await Store.AppendAsync("acct-1", ExpectedVersion.Any, [Event("Deposited", 1), Event("Deposited", 2), Event("Deposited", 3)]);
        await Store.AppendAsync("acct-2", ExpectedVersion.Any, [Event("Withdrawn", 5), Event("Deposited", 7)]);
        await Store.AppendAsync("$snapshot-acct-1", ExpectedVersion.Any, [Event("Snapshot", 6)]);
        await Store.AppendAsync("other-1", ExpectedVersion.Any, [Event("Deposited", 1), Event("Deposited", 2)]);
        await Store.AppendAsync("acct-1", ExpectedVersion.Any, [Event("Withdrawn", 1)]);
        await Store.AppendAsync("acct-3", ExpectedVersion.Any, [Event("Deposited", 1), Event("Deposited", 2)]);
        return this;
    }

    /// <summary>Writes a checkpoint row as a daemon or a forwarder would.</summary>
    public async Task CheckpointAsync(string name, long position, bool paused = false, string? error = null, long? failedPosition = null)
    {
        await using var connection = await Store.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO checkpoints (name, position, status, error, failed_position, updated_at) VALUES (@name, @position, @status, @error, @failed, 0)";
        ProjectionContext.AddParameter(command, "@name", name);
        ProjectionContext.AddParameter(command, "@position", position);
        ProjectionContext.AddParameter(command, "@status", paused ? "paused" : "running");
        ProjectionContext.AddParameter(command, "@error", error);
        ProjectionContext.AddParameter(command, "@failed", failedPosition);
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
