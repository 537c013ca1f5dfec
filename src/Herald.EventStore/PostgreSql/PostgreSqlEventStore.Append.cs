namespace Herald.EventStore.PostgreSql;

/// <summary>The append as one server-side function.</summary>
public sealed partial class PostgreSqlEventStore
{
    private static class AppendOutcome
    {
        public const int Appended = 0;
        public const int Deleted = 1;
        public const int WrongVersion = 2;
        public const int MixedBatch = 3;
        public const int AlreadyStored = 4;
    }

    // Raised by append_events when the batch reuses stored event ids (the append is rolled back).
    private const string StoredIdsSqlState = "HE001";

    // The whole append in one statement. Appends to different streams run in parallel: each takes the shared append
    // lock (a rebuild's swap takes it exclusively) and its stream's row lock, and draws positions from a sequence.
    // pg_current_xact_id() comes first so the transaction has an id before it takes any position: FeedHorizonSql waits
    // for in-progress transaction ids, and one without an id would be invisible to it.
    // Outcomes are the AppendOutcome constants.
    private string AppendFunctionSql => $$"""
        CREATE OR REPLACE FUNCTION {{_appendFunction}}(
            p_stream text, p_expected bigint, p_ids uuid[], p_types text[], p_schemas integer[], p_data bytea[], p_meta bytea[])
        RETURNS TABLE (outcome integer, stream_version bigint, "position" bigint)
        LANGUAGE plpgsql AS $fn$
        #variable_conflict use_column
        DECLARE
            v_version bigint;
            v_deleted boolean;
            v_exists boolean;
            v_stored integer;
            v_last_version bigint;
            v_last_position bigint;
            v_count integer := coalesce(array_length(p_ids, 1), 0);
        BEGIN
            PERFORM pg_advisory_xact_lock_shared({{_lockKey}});
            PERFORM pg_current_xact_id();
            LOOP
                SELECT s.version, s.deleted INTO v_version, v_deleted FROM {{_streams}} s WHERE s.stream_id = p_stream FOR UPDATE;
                v_exists := FOUND;
                IF NOT v_exists THEN
                    v_version := 0;
                    v_deleted := false;
                END IF;
                IF v_deleted THEN
                    RETURN QUERY SELECT 1, v_version, 0::bigint;
                    RETURN;
                END IF;
                IF NOT (p_expected = -1 OR (p_expected = -2 AND v_version = 0) OR (p_expected = -3 AND v_version > 0) OR p_expected = v_version) THEN
                    -- Maybe a retry of a batch that was stored: only then are the ids looked up (the common path lets the
                    -- unique index on (stream_id, event_id) find them, below).
                    SELECT count(*), max(e.stream_version) INTO v_stored, v_last_version
                        FROM {{_events}} e WHERE e.stream_id = p_stream AND e.event_id = ANY(p_ids);
                    IF v_count > 0 AND v_stored = v_count THEN
                        SELECT e.global_position INTO v_last_position FROM {{_events}} e WHERE e.stream_id = p_stream AND e.stream_version = v_last_version;
                        RETURN QUERY SELECT 4, v_last_version, v_last_position;
                    ELSIF v_stored > 0 THEN
                        RETURN QUERY SELECT 3, v_version, 0::bigint;
                    ELSE
                        RETURN QUERY SELECT 2, v_version, 0::bigint;
                    END IF;
                    RETURN;
                END IF;
                IF v_count = 0 THEN
                    RETURN QUERY SELECT 4, v_version, coalesce((SELECT max(e.global_position) FROM {{_events}} e WHERE e.stream_id = p_stream), 0);
                    RETURN;
                END IF;
                IF v_exists THEN
                    UPDATE {{_streams}} s SET version = v_version + v_count WHERE s.stream_id = p_stream;
                    EXIT;
                END IF;
                -- A new stream: the row we insert is ours and locked; if a concurrent append created it first, check again.
                INSERT INTO {{_streams}} (stream_id, version, deleted) VALUES (p_stream, v_count, false) ON CONFLICT (stream_id) DO NOTHING;
                EXIT WHEN FOUND;
            END LOOP;
            WITH inserted AS (
                INSERT INTO {{_events}} (global_position, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
                SELECT nextval('{{_sequence}}'), p_stream, v_version + t.n, t.id, t.type, t.schema, t.data, t.meta, now()
                FROM (SELECT * FROM unnest(p_ids, p_types, p_schemas, p_data, p_meta) WITH ORDINALITY AS u(id, type, schema, data, meta, n) ORDER BY u.n) t
                ON CONFLICT (stream_id, event_id) DO NOTHING
                RETURNING global_position)
            SELECT count(*), max(i.global_position) INTO v_stored, v_last_position FROM inserted i;
            IF v_stored < v_count THEN
                -- Some ids are stored already: undo everything; the caller sorts out a retry from a mixed batch.
                RAISE EXCEPTION 'batch reuses stored event ids' USING ERRCODE = '{{StoredIdsSqlState}}';
            END IF;
            RETURN QUERY SELECT 0, v_version + v_count, v_last_position;
        END
        $fn$;
        """;

    // How far the feed may be read: the highest position visible now, once every append that was running at that
    // moment has ended. Positions come from a sequence, so a position at or below that head that was not visible
    // belongs to an append still running; appends hold the shared append lock from before they draw positions until
    // they end, and have a transaction id before they draw any. The function reads the head, then (later in the same
    // statement, after its snapshot was taken) the transaction ids of the sessions holding the append lock, and waits
    // until none of those transactions is running (only shared holders: the exclusive holder is a rebuild's swap,
    // which appends nothing and may itself be waiting for this read); each of their positions is then committed and visible, or rolled
    // back and never used. So a reader that stops at the horizon never skips an event that commits late. Readers wait
    // for the appends in flight (milliseconds); writers never wait for readers.
    private string FeedHorizonSql => $$"""
        CREATE OR REPLACE FUNCTION {{_horizonFunction}}() RETURNS bigint
        LANGUAGE plpgsql AS $fn$
        DECLARE
            v_head bigint;
            v_writers xid[];
        BEGIN
            SELECT (SELECT coalesce(max(e.global_position), 0) FROM {{_events}} e),
                   ARRAY(SELECT t.transactionid FROM pg_locks a
                         JOIN pg_locks t ON t.pid = a.pid AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock' AND t.granted
                         WHERE a.locktype = 'advisory' AND a.mode = 'ShareLock' AND a.granted AND a.objsubid = 1
                           AND a.classid = {{(uint)((ulong)_lockKey >> 32)}}::bigint::oid AND a.objid = {{(uint)_lockKey}}::bigint::oid
                           AND a.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
                           AND a.pid <> pg_backend_pid())
                INTO v_head, v_writers;
            WHILE cardinality(v_writers) > 0
                AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'transactionid' AND l.transactionid = ANY(v_writers)) LOOP
                PERFORM pg_sleep(0.0002);
            END LOOP;
            RETURN v_head;
        END
        $fn$;
        """;
}
