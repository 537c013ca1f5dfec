using Herald.Sagas;

namespace Herald.PostgreSql.Sagas;

/// <summary>The SQL of one PostgreSQL saga store, built once from its table names.</summary>
internal sealed class PostgreSqlSagaStatements(SagaStoreOptions options)
{
    private const string Pending = "fired_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL";
    private const string TimeoutColumns = "token, type, id, timeout_type, due_at, payload::text, scheduled_at, fired_at, cancelled_at, failed_at, attempts, last_error";
    private const string Filter = """
        ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR step = $2)
        AND ($3 OR completed_at IS NULL)
        AND ($4::timestamptz IS NULL OR (completed_at IS NULL AND updated_at <= $4))
        """;

    private readonly string _saga = options.SagaTable;
    private readonly string _history = options.HistoryTable;
    private readonly string _timeout = options.TimeoutTable;
    private readonly string _index = options.IndexPrefix;

    public string CreateTables => (options.TablePrefix.IndexOf('.', StringComparison.Ordinal) is var dot and > 0
        ? $"CREATE SCHEMA IF NOT EXISTS {options.TablePrefix[..dot]};\n" : "") + $"""
        CREATE TABLE IF NOT EXISTS {_saga} (
            type text NOT NULL,
            id text NOT NULL,
            step text NOT NULL,
            data jsonb NOT NULL,
            version bigint NOT NULL,
            correlation_id text NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            completed_at timestamptz NULL,
            next_timeout_at timestamptz NULL,
            expected_events jsonb NOT NULL DEFAULT '[]',
            PRIMARY KEY (type, id));
        CREATE INDEX IF NOT EXISTS {_index}herald_saga_updated ON {_saga} (type, updated_at);
        CREATE TABLE IF NOT EXISTS {_history} (
            type text NOT NULL,
            id text NOT NULL,
            seq bigint NOT NULL,
            at timestamptz NOT NULL,
            kind text NOT NULL,
            event_type text NOT NULL,
            event_id uuid NOT NULL,
            causation_id text NULL,
            topic text NULL,
            kafka_partition integer NULL,
            kafka_offset bigint NULL,
            from_step text NULL,
            to_step text NULL,
            data_before jsonb NULL,
            data_after jsonb NULL,
            emitted jsonb NOT NULL DEFAULT '[]',
            PRIMARY KEY (type, id, seq));
        CREATE INDEX IF NOT EXISTS {_index}herald_saga_history_event ON {_history} (type, id, event_id);
        CREATE TABLE IF NOT EXISTS {_timeout} (
            token uuid PRIMARY KEY,
            type text NOT NULL,
            id text NOT NULL,
            timeout_type text NOT NULL,
            due_at timestamptz NOT NULL,
            payload jsonb NOT NULL,
            scheduled_at timestamptz NOT NULL,
            fired_at timestamptz NULL,
            cancelled_at timestamptz NULL,
            failed_at timestamptz NULL,
            attempts integer NOT NULL DEFAULT 0,
            last_error text NULL);
        CREATE INDEX IF NOT EXISTS {_index}herald_saga_timeout_due ON {_timeout} (due_at) WHERE {Pending};
        CREATE INDEX IF NOT EXISTS {_index}herald_saga_timeout_instance ON {_timeout} (type, id);
        """;

    public string Load => $"SELECT step, data::text, version, correlation_id, created_at, updated_at, completed_at FROM {_saga} WHERE type = $1 AND id = $2";

    public string HasHandled => $"SELECT 1 FROM {_history} WHERE type = $1 AND id = $2 AND event_id = $3 LIMIT 1";

    /// <summary>$1 type, $2 id, $3 now, $4 step, $5 data, $6 completed, $7 expected events, $8 correlation id.</summary>
    public string Insert => $"""
        INSERT INTO {_saga} (type, id, step, data, version, correlation_id, created_at, updated_at, completed_at, expected_events)
        VALUES ($1, $2, $4, $5::jsonb, 1, $8, $3, $3, CASE WHEN $6 THEN $3 END, $7::jsonb)
        """;

    /// <summary>$1 type, $2 id, $3 now, $4 step, $5 data, $6 completed, $7 expected events, $8 expected version.</summary>
    public string Update => $"""
        UPDATE {_saga} SET step = $4, data = $5::jsonb, version = version + 1, updated_at = $3,
            completed_at = CASE WHEN $6 THEN $3 END, expected_events = $7::jsonb
        WHERE type = $1 AND id = $2 AND version = $8
        """;

    /// <summary>$1 token, $2 now.</summary>
    public string Fire => $"UPDATE {_timeout} SET fired_at = $2 WHERE token = $1 AND {Pending}";

    /// <summary>$1 type, $2 id, $3 now, $4 timeout type.</summary>
    public string CancelType => $"UPDATE {_timeout} SET cancelled_at = $3 WHERE type = $1 AND id = $2 AND timeout_type = $4 AND {Pending}";

    /// <summary>$1 type, $2 id, $3 now.</summary>
    public string CancelAll => $"UPDATE {_timeout} SET cancelled_at = $3 WHERE type = $1 AND id = $2 AND {Pending}";

    /// <summary>$1 token, $2 now.</summary>
    public string CancelToken => $"UPDATE {_timeout} SET cancelled_at = $2 WHERE token = $1 AND {Pending}";

    /// <summary>$1 type, $2 id, $3 now, $4 timeout type, $5 token, $6 due at, $7 payload.</summary>
    public string Schedule => $"""
        INSERT INTO {_timeout} (token, type, id, timeout_type, due_at, payload, scheduled_at)
        VALUES ($5, $1, $2, $4, $6, $7::jsonb, $3)
        """;

    /// <summary>$1 type, $2 id.</summary>
    public string NextTimeout => $"""
        UPDATE {_saga} SET next_timeout_at = (SELECT MIN(due_at) FROM {_timeout} WHERE type = $1 AND id = $2 AND {Pending})
        WHERE type = $1 AND id = $2
        """;

    /// <summary>$1 type, $2 id, $3 now, then kind, event type, event id, causation, topic, partition, offset, from, to, before, after, emitted.</summary>
    public string AppendHistory => $"""
        INSERT INTO {_history} (type, id, seq, at, kind, event_type, event_id, causation_id, topic, kafka_partition, kafka_offset,
            from_step, to_step, data_before, data_after, emitted)
        VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM {_history} WHERE type = $1 AND id = $2), $3, $4, $5, $6,
            $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15::jsonb)
        """;

    /// <summary>$1 token.</summary>
    public string FindTimeout => $"SELECT {TimeoutColumns} FROM {_timeout} WHERE token = $1";

    /// <summary>
    /// $1 type, $2 id: takes the instance's row lock first when a step changes timeouts without changing the state, so it
    /// locks rows in the same order as a state change (instance, then timeouts) and two steps cannot deadlock.
    /// </summary>
    public string LockInstance => $"SELECT 1 FROM {_saga} WHERE type = $1 AND id = $2 FOR UPDATE";

    /// <summary>$1 types, $2 now, $3 limit.</summary>
    public string DueTimeouts => $"""
        SELECT {TimeoutColumns} FROM {_timeout}
        WHERE {Pending} AND due_at <= $2 AND type = ANY($1)
        ORDER BY due_at LIMIT $3
        """;

    /// <summary>$1 token, $2 error, $3 retry at (null: final), $4 now; then the instance's next timeout.</summary>
    public string TimeoutFailure => $"""
        WITH failed AS (
            UPDATE {_timeout} SET attempts = attempts + 1, last_error = $2,
                due_at = COALESCE($3, due_at), failed_at = CASE WHEN $3::timestamptz IS NULL THEN $4 END
            WHERE token = $1 AND {Pending}
            RETURNING type, id, token, due_at, failed_at)
        UPDATE {_saga} s SET next_timeout_at = (
            SELECT MIN(due) FROM (
                SELECT t.due_at AS due FROM {_timeout} t
                WHERE t.type = s.type AND t.id = s.id AND t.token <> $1 AND t.fired_at IS NULL AND t.cancelled_at IS NULL AND t.failed_at IS NULL
                UNION ALL SELECT f.due_at FROM failed f WHERE f.failed_at IS NULL) AS pending)
        FROM failed WHERE s.type = failed.type AND s.id = failed.id
        """;

    /// <summary>$1 type, $2 completed before; returns the purged instances' count.</summary>
    public string Purge => $"""
        WITH gone AS (DELETE FROM {_saga} WHERE type = $1 AND completed_at < $2 RETURNING id),
             history AS (DELETE FROM {_history} h USING gone WHERE h.type = $1 AND h.id = gone.id),
             timeouts AS (DELETE FROM {_timeout} t USING gone WHERE t.type = $1 AND t.id = gone.id)
        SELECT COUNT(*) FROM gone
        """;

    /// <summary>$1 type, $2 step, $3 include completed, $4 stuck before, $5 limit, $6 offset.</summary>
    public string List => $"""
        SELECT type, id, step, version, created_at, updated_at, completed_at, next_timeout_at, expected_events::text FROM {_saga}
        WHERE {Filter}
        ORDER BY updated_at, type, id LIMIT $5 OFFSET $6
        """;

    /// <summary>$1 type, $2 step, $3 include completed, $4 stuck before.</summary>
    public string Count => $"SELECT COUNT(*) FROM {_saga} WHERE {Filter}";

    /// <summary>$1 type, $2 id.</summary>
    public string Get => $"""
        SELECT type, id, step, version, created_at, updated_at, completed_at, next_timeout_at, expected_events::text, correlation_id, data::text
        FROM {_saga} WHERE type = $1 AND id = $2
        """;

    /// <summary>$1 type, $2 id.</summary>
    public string History => $"""
        SELECT seq, at, kind, event_type, event_id, causation_id, topic, kafka_partition, kafka_offset, from_step, to_step,
            data_before::text, data_after::text, emitted::text
        FROM {_history} WHERE type = $1 AND id = $2 ORDER BY seq
        """;

    /// <summary>$1 type, $2 id.</summary>
    public string Timeouts => $"SELECT {TimeoutColumns} FROM {_timeout} WHERE type = $1 AND id = $2 ORDER BY due_at, scheduled_at";
}
