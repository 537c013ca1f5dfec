using Microsoft.Data.Sqlite;

namespace Herald.Inbox;

public sealed partial class SqliteInboxStore
{
    /// <summary>The SQL of one store, built once from its table names.</summary>
    internal sealed class Statements(InboxOptions options)
    {
        public const string Group = "$group";
        public const string EventId = "$event_id";
        public const string Now = "$now";

        public string CreateTables { get; } = $"""
            CREATE TABLE IF NOT EXISTS {options.ProcessedEventsTable} (
                consumer_group TEXT NOT NULL,
                event_id TEXT NOT NULL,
                processed_at INTEGER NOT NULL,
                PRIMARY KEY (consumer_group, event_id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS {options.ConsumerAttemptsTable} (
                consumer_group TEXT NOT NULL,
                event_id TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (consumer_group, event_id)) WITHOUT ROWID;
            """;

        public string IsProcessed { get; } =
            $"SELECT 1 FROM {options.ProcessedEventsTable} WHERE consumer_group = {Group} AND event_id = {EventId}";

        // A plain INSERT: a row another delivery committed must fail with a primary-key violation, not be ignored.
        public string MarkProcessed { get; } = $"""
            INSERT INTO {options.ProcessedEventsTable} (consumer_group, event_id, processed_at) VALUES ({Group}, {EventId}, {Now});
            DELETE FROM {options.ConsumerAttemptsTable} WHERE consumer_group = {Group} AND event_id = {EventId};
            """;

        // Unqualified "attempts" in DO UPDATE is the existing row's value.
        public string RecordAttempt { get; } = $"""
            INSERT INTO {options.ConsumerAttemptsTable} (consumer_group, event_id, attempts, updated_at) VALUES ({Group}, {EventId}, 1, {Now})
            ON CONFLICT (consumer_group, event_id) DO UPDATE SET attempts = attempts + 1, updated_at = excluded.updated_at
            RETURNING attempts
            """;

        public string FindProcessed(int count) =>
            $"SELECT event_id FROM {options.ProcessedEventsTable} WHERE consumer_group = {Group} AND event_id IN ({string.Join(", ", Enumerable.Range(0, count).Select(i => $"$e{i}"))})";

        public string MarkProcessedMany(int count) =>
            $"INSERT INTO {options.ProcessedEventsTable} (consumer_group, event_id, processed_at) VALUES {string.Join(", ", Enumerable.Range(0, count).Select(i => $"({Group}, $e{i}, {Now})"))}";

        public string Purge { get; } = $"""
            DELETE FROM {options.ProcessedEventsTable} WHERE processed_at < {Now};
            DELETE FROM {options.ConsumerAttemptsTable} WHERE updated_at < {Now};
            """;
    }

    /// <summary>An open connection with the inbox statements prepared on it, reused across transactions.</summary>
    internal sealed class Session : IDisposable
    {
        private readonly Statements _statements;
        private SqliteCommand? _isProcessed;
        private SqliteCommand? _markProcessed;
        private SqliteCommand? _recordAttempt;

        // Batch statements prepared once per batch size on this connection (sizes are few: the batch size and tails).
        private readonly Dictionary<int, SqliteCommand> _findProcessed = [];
        private readonly Dictionary<int, SqliteCommand> _markProcessedMany = [];

        private Session(SqliteConnection connection, Statements statements)
        {
            Connection = connection;
            _statements = statements;
        }

        public SqliteConnection Connection { get; }

        public static Session Open(string connectionString, Statements statements)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                using var pragmas = connection.CreateCommand();

                // busy_timeout first: switching to WAL itself needs the lock another connection may hold.
                pragmas.CommandText = $"""
                    PRAGMA busy_timeout = {checked(connection.DefaultTimeout * 1000)};
                    PRAGMA journal_mode = WAL;
                    PRAGMA synchronous = NORMAL;
                    """;
                pragmas.ExecuteNonQuery();
                return new Session(connection, statements);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        public SqliteCommand IsProcessed(SqliteTransaction transaction, string group, string eventId) =>
            Bind(_isProcessed ??= Prepare(_statements.IsProcessed, withNow: false), transaction, group, eventId, now: null);

        public SqliteCommand MarkProcessed(SqliteTransaction transaction, string group, string eventId, long now) =>
            Bind(_markProcessed ??= Prepare(_statements.MarkProcessed, withNow: true), transaction, group, eventId, now);

        public SqliteCommand RecordAttempt(SqliteTransaction transaction, string group, long now) =>
            Bind(_recordAttempt ??= Prepare(_statements.RecordAttempt, withNow: true), transaction, group, eventId: null, now);

        public SqliteCommand FindProcessed(SqliteTransaction transaction, string group, IReadOnlyList<Guid> eventIds) =>
            BindMany(Cached(_findProcessed, eventIds.Count, _statements.FindProcessed, withNow: false), transaction, group, eventIds, now: null);

        public SqliteCommand MarkProcessedMany(SqliteTransaction transaction, string group, IReadOnlyList<Guid> eventIds, long now) =>
            BindMany(Cached(_markProcessedMany, eventIds.Count, _statements.MarkProcessedMany, withNow: true), transaction, group, eventIds, now);

        private SqliteCommand Cached(Dictionary<int, SqliteCommand> cache, int count, Func<int, string> sql, bool withNow)
        {
            if (cache.TryGetValue(count, out var command))
            {
                return command;
            }

            command = Connection.CreateCommand();
            command.CommandText = sql(count);
            command.Parameters.Add(Statements.Group, SqliteType.Text);
            for (int i = 0; i < count; i++)
            {
                command.Parameters.Add($"$e{i}", SqliteType.Text);
            }

            if (withNow)
            {
                command.Parameters.Add(Statements.Now, SqliteType.Integer);
            }

            command.Prepare();
            cache[count] = command;
            return command;
        }

        private static SqliteCommand BindMany(SqliteCommand command, SqliteTransaction transaction, string group, IReadOnlyList<Guid> eventIds, long? now)
        {
            command.Transaction = transaction;
            command.Parameters[Statements.Group].Value = group;
            for (int i = 0; i < eventIds.Count; i++)
            {
                command.Parameters[i + 1].Value = Text(eventIds[i]);
            }

            if (now is { } value)
            {
                command.Parameters[Statements.Now].Value = value;
            }

            return command;
        }

        public void Dispose()
        {
            foreach (var command in _findProcessed.Values.Concat(_markProcessedMany.Values))
            {
                command.Dispose();
            }

            _isProcessed?.Dispose();
            _markProcessed?.Dispose();
            _recordAttempt?.Dispose();
            Connection.Dispose();
        }

        private static SqliteCommand Bind(SqliteCommand command, SqliteTransaction transaction, string group, string? eventId, long? now)
        {
            command.Transaction = transaction;
            command.Parameters[Statements.Group].Value = group;
            if (eventId is not null)
            {
                command.Parameters[Statements.EventId].Value = eventId;
            }

            if (now is { } value)
            {
                command.Parameters[Statements.Now].Value = value;
            }

            return command;
        }

        private SqliteCommand Prepare(string sql, bool withNow)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add(Statements.Group, SqliteType.Text);
            command.Parameters.Add(Statements.EventId, SqliteType.Text);
            if (withNow)
            {
                command.Parameters.Add(Statements.Now, SqliteType.Integer);
            }

            command.Prepare();
            return command;
        }
    }
}
