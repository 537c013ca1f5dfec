using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Herald.Benchmarks.Consumer;

/// <summary>
/// A prototype, for the profile only: the SQLite inbox's work for one chunk with set-based statements — one upsert of
/// all attempts, one "which are processed?" query, one insert of all processed rows and one delete of their attempts
/// (ids passed as a JSON array to <c>json_each</c>) — instead of one to three statements per event. Same tables,
/// same handler insert, same transactions as <see cref="InboxProfile"/>.
/// </summary>
public static class SetBasedSqliteInbox
{
    public static async Task<InboxProfile.Phases> RunAsync(string connectionString, IReadOnlyList<OrderPlaced> events, int batchSize)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS processed_events (consumer_group TEXT NOT NULL, event_id TEXT NOT NULL, processed_at INTEGER NOT NULL, PRIMARY KEY (consumer_group, event_id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS consumer_attempts (consumer_group TEXT NOT NULL, event_id TEXT NOT NULL, attempts INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (consumer_group, event_id)) WITHOUT ROWID;
            """ + RecordOrder.CreateTable);
        using var recordAttempts = Prepare(connection, """
            INSERT INTO consumer_attempts (consumer_group, event_id, attempts, updated_at) SELECT $group, value, 1, $now FROM json_each($ids) WHERE true
            ON CONFLICT (consumer_group, event_id) DO UPDATE SET attempts = attempts + 1, updated_at = excluded.updated_at
            RETURNING attempts
            """);
        using var processed = Prepare(connection, "SELECT event_id FROM processed_events WHERE consumer_group = $group AND event_id IN (SELECT value FROM json_each($ids))");
        using var mark = Prepare(connection, """
            INSERT INTO processed_events (consumer_group, event_id, processed_at) SELECT $group, value, $now FROM json_each($ids);
            DELETE FROM consumer_attempts WHERE consumer_group = $group AND event_id IN (SELECT value FROM json_each($ids));
            """);
        var group = "set-based-" + Guid.NewGuid().ToString("N");
        long attempts = 0, isProcessed = 0, handler = 0, marking = 0, commit = 0;
        foreach (var chunk in events.Chunk(batchSize))
        {
            long t = Stopwatch.GetTimestamp();
            var ids = JsonSerializer.Serialize(chunk.Select(_ => Guid.CreateVersion7().ToString("D")));
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                using var reader = Bind(recordAttempts, transaction, group, ids, now).ExecuteReader();
                while (reader.Read())
                {
                    if (reader.GetInt32(0) > 1)
                    {
                        throw new InvalidOperationException("a fresh event was attempted before");
                    }
                }

                reader.Close();
                transaction.Commit();
            }

            attempts += Lap(ref t);
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                if (Bind(processed, transaction, group, ids, now: null).ExecuteScalar() is not null)
                {
                    throw new InvalidOperationException("a fresh event id was already processed");
                }

                isProcessed += Lap(ref t);
                foreach (var @event in chunk)
                {
                    await RecordOrder.InsertAsync(connection, transaction, @event, CancellationToken.None);
                }

                handler += Lap(ref t);
                Bind(mark, transaction, group, ids, now).ExecuteNonQuery();
                marking += Lap(ref t);
                transaction.Commit();
                commit += Lap(ref t);
            }
        }

        static TimeSpan Span(long ticks) => TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
        return new InboxProfile.Phases(events.Count, Span(attempts), TimeSpan.Zero, Span(isProcessed), Span(handler), Span(marking), Span(commit));
    }

    private static SqliteCommand Bind(SqliteCommand command, SqliteTransaction transaction, string group, string ids, long? now)
    {
        command.Transaction = transaction;
        command.Parameters["$group"].Value = group;
        command.Parameters["$ids"].Value = ids;
        if (command.Parameters.Contains("$now"))
        {
            command.Parameters["$now"].Value = now;
        }

        return command;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$group", SqliteType.Text);
        command.Parameters.Add("$ids", SqliteType.Text);
        if (sql.Contains("$now", StringComparison.Ordinal))
        {
            command.Parameters.Add("$now", SqliteType.Integer);
        }

        command.Prepare();
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Lap(ref long since)
    {
        long now = Stopwatch.GetTimestamp();
        long elapsed = now - since;
        since = now;
        return elapsed;
    }
}
