namespace Herald.Sagas;

public sealed partial class SqliteSagaStore
{
    /// <summary>The SQL of one store, built once from its table names. Timestamps are Unix milliseconds; ids are <c>D</c>-format text.</summary>
    private sealed class Statements(SagaStoreOptions options)
    {
        private const string Pending = "fired_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL";
        private const string TimeoutColumns = "token, type, id, timeout_type, due_at, payload, scheduled_at, fired_at, cancelled_at, failed_at, attempts, last_error";
        private const string Filter = """
            ($type IS NULL OR type = $type) AND ($step IS NULL OR step = $step)
            AND ($include_completed OR completed_at IS NULL)
            AND ($stuck_before IS NULL OR (completed_at IS NULL AND updated_at <= $stuck_before))
            """;

        private readonly string _saga = options.SagaTable;
        private readonly string _history = options.HistoryTable;
        private readonly string _timeout = options.TimeoutTable;

        public string CreateTables => $"""
            CREATE TABLE IF NOT EXISTS {_saga} (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                step TEXT NOT NULL,
                data TEXT NOT NULL,
                version INTEGER NOT NULL,
                correlation_id TEXT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                completed_at INTEGER NULL,
                next_timeout_at INTEGER NULL,
                expected_events TEXT NOT NULL DEFAULT '[]',
                PRIMARY KEY (type, id)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS {options.IndexPrefix}herald_saga_updated ON {_saga} (type, updated_at);
            CREATE TABLE IF NOT EXISTS {_history} (
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                event_type TEXT NOT NULL,
                event_id TEXT NOT NULL,
                causation_id TEXT NULL,
                topic TEXT NULL,
                kafka_partition INTEGER NULL,
                kafka_offset INTEGER NULL,
                from_step TEXT NULL,
                to_step TEXT NULL,
                data_before TEXT NULL,
                data_after TEXT NULL,
                emitted TEXT NOT NULL DEFAULT '[]',
                PRIMARY KEY (type, id, seq)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS {options.IndexPrefix}herald_saga_history_event ON {_history} (type, id, event_id);
            CREATE TABLE IF NOT EXISTS {_timeout} (
                token TEXT NOT NULL PRIMARY KEY,
                type TEXT NOT NULL,
                id TEXT NOT NULL,
                timeout_type TEXT NOT NULL,
                due_at INTEGER NOT NULL,
                payload TEXT NOT NULL,
                scheduled_at INTEGER NOT NULL,
                fired_at INTEGER NULL,
                cancelled_at INTEGER NULL,
                failed_at INTEGER NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT NULL) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS {options.IndexPrefix}herald_saga_timeout_due ON {_timeout} (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
            CREATE INDEX IF NOT EXISTS {options.IndexPrefix}herald_saga_timeout_instance ON {_timeout} (type, id);
            """;

        public string Load => $"SELECT step, data, version, correlation_id, created_at, updated_at, completed_at FROM {_saga} WHERE type = $type AND id = $id";

        public string HasHandled => $"SELECT 1 FROM {_history} WHERE type = $type AND id = $id AND event_id = $event_id LIMIT 1";

        public string Insert => $"""
            INSERT INTO {_saga} (type, id, step, data, version, correlation_id, created_at, updated_at, completed_at, expected_events)
            VALUES ($type, $id, $step, $data, 1, $correlation_id, $now, $now, CASE WHEN $completed THEN $now END, $expected_events)
            """;

        public string Update => $"""
            UPDATE {_saga} SET step = $step, data = $data, version = version + 1, updated_at = $now,
                completed_at = CASE WHEN $completed THEN $now END, expected_events = $expected_events
            WHERE type = $type AND id = $id AND version = $version
            """;

        public string Fire => $"UPDATE {_timeout} SET fired_at = $now WHERE token = $token AND {Pending}";

        public string CancelType => $"UPDATE {_timeout} SET cancelled_at = $now WHERE type = $type AND id = $id AND timeout_type = $timeout_type AND {Pending}";

        public string CancelAll => $"UPDATE {_timeout} SET cancelled_at = $now WHERE type = $type AND id = $id AND {Pending}";

        public string CancelToken => $"UPDATE {_timeout} SET cancelled_at = $now WHERE token = $token AND {Pending}";

        public string Schedule => $"""
            INSERT INTO {_timeout} (token, type, id, timeout_type, due_at, payload, scheduled_at)
            VALUES ($token, $type, $id, $timeout_type, $due_at, $payload, $now)
            """;

        public string NextTimeout => $"""
            UPDATE {_saga} SET next_timeout_at = (SELECT MIN(due_at) FROM {_timeout} WHERE type = $type AND id = $id AND {Pending})
            WHERE type = $type AND id = $id
            """;

        public string AppendHistory => $"""
            INSERT INTO {_history} (type, id, seq, at, kind, event_type, event_id, causation_id, topic, kafka_partition, kafka_offset,
                from_step, to_step, data_before, data_after, emitted)
            VALUES ($type, $id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM {_history} WHERE type = $type AND id = $id), $now, $kind, $event_type, $event_id,
                $causation_id, $topic, $partition, $offset, $from_step, $to_step, $data_before, $data_after, $emitted)
            """;

        public string FindTimeout => $"SELECT {TimeoutColumns} FROM {_timeout} WHERE token = $token";

        public string DueTimeouts(int types) => $"""
            SELECT {TimeoutColumns} FROM {_timeout}
            WHERE {Pending} AND due_at <= $now AND type IN ({string.Join(", ", Enumerable.Range(0, types).Select(i => $"$t{i}"))})
            ORDER BY due_at LIMIT $limit
            """;

        public string TimeoutFailure => $"""
            UPDATE {_timeout} SET attempts = attempts + 1, last_error = $error,
                due_at = COALESCE($retry_at, due_at), failed_at = CASE WHEN $retry_at IS NULL THEN $now END
            WHERE token = $token AND {Pending};
            UPDATE {_saga} SET next_timeout_at = (SELECT MIN(t.due_at) FROM {_timeout} t
                WHERE t.type = {_saga}.type AND t.id = {_saga}.id AND t.fired_at IS NULL AND t.cancelled_at IS NULL AND t.failed_at IS NULL)
            WHERE (type, id) = (SELECT type, id FROM {_timeout} WHERE token = $token);
            """;

        public string Purge => $"""
            DELETE FROM {_history} WHERE type = $type AND id IN (SELECT id FROM {_saga} WHERE type = $type AND completed_at < $before);
            DELETE FROM {_timeout} WHERE type = $type AND id IN (SELECT id FROM {_saga} WHERE type = $type AND completed_at < $before);
            DELETE FROM {_saga} WHERE type = $type AND completed_at < $before;
            """;

        public string List => $"""
            SELECT type, id, step, version, created_at, updated_at, completed_at, next_timeout_at, expected_events FROM {_saga}
            WHERE {Filter}
            ORDER BY updated_at, type, id LIMIT $limit OFFSET $offset
            """;

        public string Count => $"SELECT COUNT(*) FROM {_saga} WHERE {Filter}";

        public string Get => $"""
            SELECT type, id, step, version, created_at, updated_at, completed_at, next_timeout_at, expected_events, correlation_id, data
            FROM {_saga} WHERE type = $type AND id = $id
            """;

        public string History => $"""
            SELECT seq, at, kind, event_type, event_id, causation_id, topic, kafka_partition, kafka_offset, from_step, to_step, data_before, data_after, emitted
            FROM {_history} WHERE type = $type AND id = $id ORDER BY seq
            """;

        public string Timeouts => $"SELECT {TimeoutColumns} FROM {_timeout} WHERE type = $type AND id = $id ORDER BY due_at, scheduled_at";
    }
}
