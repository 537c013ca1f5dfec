using Herald.Outbox;

namespace Herald.PostgreSql;

/// <summary>The outbox SQL of one store, built once from its table names.</summary>
internal sealed class PostgreSqlOutboxStatements(OutboxOptions options)
{
    private const string EmptyObject = "'{}'";
    private const string Columns = "position, tx_id, id, aggregatetype, aggregateid, type, payload, headers::text, created_at, attempts";

    // Column names follow Debezium's outbox event router (id, aggregatetype = topic, aggregateid = key, type, payload),
    // so CDC can read the same table. tx_id is the writing transaction's id: the relay's order and its never-skip horizon.
    public string CreateTables { get; } = string.Concat(
        SchemaOf(options.TablePrefix).Select(schema => $"CREATE SCHEMA IF NOT EXISTS {schema};\n")) + $"""
        CREATE TABLE IF NOT EXISTS {options.OutboxTable} (
            position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
            id uuid NOT NULL UNIQUE,
            aggregatetype text NOT NULL,
            aggregateid text NULL,
            type text NOT NULL,
            payload bytea NOT NULL,
            headers jsonb NOT NULL DEFAULT {EmptyObject},
            created_at timestamptz NOT NULL DEFAULT now(),
            attempts integer NOT NULL DEFAULT 0,
            last_error text NULL);
        CREATE INDEX IF NOT EXISTS {IndexName(options, "herald_outbox_commit_order")} ON {options.OutboxTable} (tx_id, position);
        CREATE TABLE IF NOT EXISTS {options.DeadTable} (
            position bigint PRIMARY KEY,
            tx_id xid8 NOT NULL,
            id uuid NOT NULL,
            aggregatetype text NOT NULL,
            aggregateid text NULL,
            type text NOT NULL,
            payload bytea NOT NULL,
            headers jsonb NOT NULL,
            created_at timestamptz NOT NULL,
            attempts integer NOT NULL,
            last_error text NOT NULL,
            dead_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS {options.LeaseTable} (
            relay text PRIMARY KEY,
            owner text NOT NULL,
            expires_at timestamptz NOT NULL);
        CREATE TABLE IF NOT EXISTS {options.CursorTable} (
            relay text PRIMARY KEY,
            last_tx xid8 NOT NULL,
            last_position bigint NOT NULL);
        """;

    public string Insert { get; } = $"""
        INSERT INTO {options.OutboxTable} (id, aggregatetype, aggregateid, type, payload, headers, created_at)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
        """;

    public string AcquireLease { get; } = $"""
        INSERT INTO {options.LeaseTable} AS l (relay, owner, expires_at) VALUES ($1, $2, $3)
        ON CONFLICT (relay) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
        WHERE l.owner = EXCLUDED.owner OR l.expires_at <= $4
        RETURNING owner
        """;

    public string ReleaseLease { get; } =
        $"UPDATE {options.LeaseTable} SET expires_at = $3 WHERE relay = $1 AND owner = $2";

    public string ReadCursor { get; } =
        $"SELECT last_tx, last_position FROM {options.CursorTable} WHERE relay = $1";

    // Only rows of transactions older than every transaction still running: a transaction that took its id earlier but
    // commits later is waited for instead of skipped (pg_snapshot_xmin is the oldest running transaction id).
    public string Read { get; } = $"""
        SELECT {Columns} FROM {options.OutboxTable}
        WHERE (tx_id, position) > ($1, $2) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx_id, position
        LIMIT $3
        """;

    // FOR UPDATE on the lease row: a takeover waits until this commits, so the holder check stays true while we write.
    // The delete starts after the previous cursor (the statement's snapshot still sees it): everything before it was
    // deleted by earlier completions, but its index entries stay until VACUUM, and a range open at the bottom walked
    // all of them on every call (a 100,000-row drain: 2.5 ms per completion of 500 rows, 0.2 ms with the bound).
    public string Complete { get; } = $"""
        WITH held AS (SELECT relay FROM {options.LeaseTable} WHERE relay = $1 AND owner = $2 FOR UPDATE),
        moved AS (
            INSERT INTO {options.CursorTable} (relay, last_tx, last_position) SELECT relay, $3, $4 FROM held
            ON CONFLICT (relay) DO UPDATE SET last_tx = EXCLUDED.last_tx, last_position = EXCLUDED.last_position),
        deleted AS (
            DELETE FROM {options.OutboxTable}
            WHERE (tx_id, position) <= ($3, $4)
            AND (tx_id, position) > (
                coalesce((SELECT last_tx FROM {options.CursorTable} WHERE relay = $1), '0'::xid8),
                coalesce((SELECT last_position FROM {options.CursorTable} WHERE relay = $1), 0))
            AND EXISTS (SELECT 1 FROM held))
        SELECT count(*) FROM held
        """;

    public string RecordFailure { get; } = $"""
        WITH held AS (SELECT relay FROM {options.LeaseTable} WHERE relay = $1 AND owner = $2 FOR UPDATE)
        UPDATE {options.OutboxTable} SET attempts = attempts + 1, last_error = $4
        WHERE position = $3 AND EXISTS (SELECT 1 FROM held)
        RETURNING attempts
        """;

    public string DeadLetter { get; } = $"""
        WITH held AS (SELECT relay FROM {options.LeaseTable} WHERE relay = $1 AND owner = $2 FOR UPDATE),
        moved AS (DELETE FROM {options.OutboxTable} WHERE position = $3 AND EXISTS (SELECT 1 FROM held) RETURNING *)
        INSERT INTO {options.DeadTable} (position, tx_id, id, aggregatetype, aggregateid, type, payload, headers, created_at, attempts, last_error, dead_at)
        SELECT position, tx_id, id, aggregatetype, aggregateid, type, payload, headers, created_at, attempts, $4, $5 FROM moved
        """;

    public string Backlog { get; } =
        $"SELECT count(*), (SELECT created_at FROM {options.OutboxTable} ORDER BY tx_id, position LIMIT 1) FROM {options.OutboxTable}";

    public string DeadCount { get; } = $"SELECT count(*) FROM {options.DeadTable}";

    public string RecentDead { get; } =
        $"SELECT id, aggregatetype, aggregateid, type, attempts, last_error, created_at, dead_at FROM {options.DeadTable} ORDER BY dead_at DESC, position DESC LIMIT 20";

    public string Relays { get; } = $"""
        SELECT coalesce(l.relay, c.relay), l.owner, l.expires_at, c.last_tx, c.last_position
        FROM {options.LeaseTable} l FULL JOIN {options.CursorTable} c ON c.relay = l.relay
        ORDER BY 1
        """;

    /// <summary>An index name: never schema-qualified (an index lives in its table's schema), so only the prefix's table part.</summary>
    private static string IndexName(OutboxOptions options, string name) =>
        options.TablePrefix[(options.TablePrefix.IndexOf('.', StringComparison.Ordinal) + 1)..] + name;

    private static string[] SchemaOf(string prefix) =>
        prefix.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? [prefix[..dot]] : [];
}
