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

    // The whole append in one statement: the advisory lock is held for the server-side work and the commit only,
    // never across a network round trip. Outcomes are the AppendOutcome constants.
    private string AppendFunctionSql => $$"""
        CREATE OR REPLACE FUNCTION {{_appendFunction}}(
            p_stream text, p_expected bigint, p_ids uuid[], p_types text[], p_schemas integer[], p_data bytea[], p_meta bytea[])
        RETURNS TABLE (outcome integer, stream_version bigint, "position" bigint)
        LANGUAGE plpgsql AS $fn$
        #variable_conflict use_column
        DECLARE
            v_version bigint := 0;
            v_deleted boolean := false;
            v_stored integer;
            v_last_version bigint;
            v_last_position bigint;
            v_max bigint;
            v_count integer := coalesce(array_length(p_ids, 1), 0);
        BEGIN
            PERFORM pg_advisory_xact_lock({{_lockKey}});
            SELECT s.version, s.deleted INTO v_version, v_deleted FROM {{_streams}} s WHERE s.stream_id = p_stream;
            IF NOT FOUND THEN
                v_version := 0;
                v_deleted := false;
            END IF;
            IF v_deleted THEN
                RETURN QUERY SELECT 1, v_version, 0::bigint;
                RETURN;
            END IF;
            SELECT count(*), max(e.stream_version), max(e.global_position) INTO v_stored, v_last_version, v_last_position
                FROM {{_events}} e WHERE e.stream_id = p_stream AND e.event_id = ANY(p_ids);
            IF v_count > 0 AND v_stored = v_count THEN
                SELECT e.global_position INTO v_last_position FROM {{_events}} e WHERE e.stream_id = p_stream AND e.stream_version = v_last_version;
                RETURN QUERY SELECT 4, v_last_version, v_last_position;
                RETURN;
            END IF;
            IF v_stored > 0 THEN
                RETURN QUERY SELECT 3, v_version, 0::bigint;
                RETURN;
            END IF;
            IF NOT (p_expected = -1 OR (p_expected = -2 AND v_version = 0) OR (p_expected = -3 AND v_version > 0) OR p_expected = v_version) THEN
                RETURN QUERY SELECT 2, v_version, 0::bigint;
                RETURN;
            END IF;
            IF v_count = 0 THEN
                RETURN QUERY SELECT 4, v_version, coalesce((SELECT max(e.global_position) FROM {{_events}} e WHERE e.stream_id = p_stream), 0);
                RETURN;
            END IF;
            SELECT coalesce(max(e.global_position), 0) INTO v_max FROM {{_events}} e;
            INSERT INTO {{_events}} (global_position, stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
                SELECT v_max + t.n, p_stream, v_version + t.n, t.id, t.type, t.schema, t.data, t.meta, now()
                FROM unnest(p_ids, p_types, p_schemas, p_data, p_meta) WITH ORDINALITY AS t(id, type, schema, data, meta, n);
            INSERT INTO {{_streams}} AS s (stream_id, version, deleted) VALUES (p_stream, v_version + v_count, false)
                ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version;
            RETURN QUERY SELECT 0, v_version + v_count, v_max + v_count;
        END
        $fn$;
        """;
}
