namespace Herald.Outbox;

public sealed partial class SqliteOutboxStore
{
    /// <summary>The SQL of one store, built once from its table names.</summary>
    internal sealed class Statements(OutboxOptions options)
    {
        private const string Columns = "position, id, aggregatetype, aggregateid, type, payload, headers, created_at, attempts";

        // AUTOINCREMENT, not a bare rowid: a deleted maximum rowid would be handed out again, behind the relay's cursor.
        public string CreateTables { get; } = $"""
            CREATE TABLE IF NOT EXISTS {options.OutboxTable} (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                aggregatetype TEXT NOT NULL,
                aggregateid TEXT NULL,
                type TEXT NOT NULL,
                payload BLOB NOT NULL,
                headers TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT NULL);
            CREATE TABLE IF NOT EXISTS {options.DeadTable} (
                position INTEGER PRIMARY KEY,
                id TEXT NOT NULL,
                aggregatetype TEXT NOT NULL,
                aggregateid TEXT NULL,
                type TEXT NOT NULL,
                payload BLOB NOT NULL,
                headers TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                last_error TEXT NOT NULL,
                dead_at INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS {options.LeaseTable} (
                relay TEXT PRIMARY KEY,
                owner TEXT NOT NULL,
                expires_at INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS {options.CursorTable} (
                relay TEXT PRIMARY KEY,
                last_position INTEGER NOT NULL) WITHOUT ROWID;
            """;

        public string Insert { get; } = $"""
            INSERT INTO {options.OutboxTable} (id, aggregatetype, aggregateid, type, payload, headers, created_at)
            VALUES ($id, $topic, $key, $type, $payload, $headers, $now)
            """;

        // In DO UPDATE's WHERE, unqualified columns are the existing row's.
        public string AcquireLease { get; } = $"""
            INSERT INTO {options.LeaseTable} (relay, owner, expires_at) VALUES ($relay, $owner, $expires)
            ON CONFLICT (relay) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
            WHERE owner = excluded.owner OR expires_at <= $now
            RETURNING owner
            """;

        public string ReleaseLease { get; } =
            $"UPDATE {options.LeaseTable} SET expires_at = $now WHERE relay = $relay AND owner = $owner";

        public string HoldsLease { get; } =
            $"SELECT 1 FROM {options.LeaseTable} WHERE relay = $relay AND owner = $owner";

        public string ReadCursor { get; } =
            $"SELECT last_position FROM {options.CursorTable} WHERE relay = $relay";

        public string Read { get; } =
            $"SELECT {Columns} FROM {options.OutboxTable} WHERE position > $after ORDER BY position LIMIT $limit";

        public string Complete { get; } = $"""
            INSERT INTO {options.CursorTable} (relay, last_position) VALUES ($relay, $position)
            ON CONFLICT (relay) DO UPDATE SET last_position = excluded.last_position;
            DELETE FROM {options.OutboxTable} WHERE position <= $position;
            """;

        public string RecordFailure { get; } =
            $"UPDATE {options.OutboxTable} SET attempts = attempts + 1, last_error = $error WHERE position = $position RETURNING attempts";

        public string DeadLetter { get; } = $"""
            INSERT INTO {options.DeadTable} (position, id, aggregatetype, aggregateid, type, payload, headers, created_at, attempts, last_error, dead_at)
            SELECT position, id, aggregatetype, aggregateid, type, payload, headers, created_at, attempts, $error, $now
            FROM {options.OutboxTable} WHERE position = $position;
            DELETE FROM {options.OutboxTable} WHERE position = $position;
            """;

        public string Backlog { get; } =
            $"SELECT count(*), (SELECT created_at FROM {options.OutboxTable} ORDER BY position LIMIT 1) FROM {options.OutboxTable}";

        public string DeadCount { get; } = $"SELECT count(*) FROM {options.DeadTable}";

        public string RecentDead { get; } =
            $"SELECT id, aggregatetype, aggregateid, type, attempts, last_error, created_at, dead_at FROM {options.DeadTable} ORDER BY dead_at DESC, position DESC LIMIT 20";

        // SQLite has no FULL JOIN before 3.39; a union of both sides keeps every relay name.
        public string Relays { get; } = $"""
            SELECT n.relay, l.owner, l.expires_at, c.last_position
            FROM (SELECT relay FROM {options.LeaseTable} UNION SELECT relay FROM {options.CursorTable}) n
            LEFT JOIN {options.LeaseTable} l ON l.relay = n.relay
            LEFT JOIN {options.CursorTable} c ON c.relay = n.relay
            ORDER BY n.relay
            """;
    }
}
