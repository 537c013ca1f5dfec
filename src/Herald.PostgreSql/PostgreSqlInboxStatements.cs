using Herald.Inbox;

namespace Herald.PostgreSql;

/// <summary>The SQL of one store, built once from its table names.</summary>
internal sealed class PostgreSqlInboxStatements(InboxOptions options)
{
    private static readonly string[] NoSchema = [];

    public string CreateTables { get; } = string.Concat(
        SchemaOf(options.TablePrefix).Select(schema => $"CREATE SCHEMA IF NOT EXISTS {schema};\n")) + $"""
        CREATE TABLE IF NOT EXISTS {options.ProcessedEventsTable} (
            consumer_group text NOT NULL,
            event_id uuid NOT NULL,
            processed_at timestamptz NOT NULL,
            PRIMARY KEY (consumer_group, event_id));
        CREATE TABLE IF NOT EXISTS {options.ConsumerAttemptsTable} (
            consumer_group text NOT NULL,
            event_id uuid NOT NULL,
            attempts integer NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (consumer_group, event_id));
        """;

    public string IsProcessed { get; } =
        $"SELECT 1 FROM {options.ProcessedEventsTable} WHERE consumer_group = $1 AND event_id = $2";

    // A plain INSERT: a row another delivery committed (or is committing) must fail with 23505, not be ignored.
    public string MarkProcessed { get; } =
        $"INSERT INTO {options.ProcessedEventsTable} (consumer_group, event_id, processed_at) VALUES ($1, $2, $3)";

    public string FindProcessed { get; } =
        $"SELECT event_id FROM {options.ProcessedEventsTable} WHERE consumer_group = $1 AND event_id = ANY($2)";

    public string MarkProcessedMany { get; } =
        $"INSERT INTO {options.ProcessedEventsTable} (consumer_group, event_id, processed_at) SELECT $1, id, $3 FROM unnest($2::uuid[]) AS id";

    public string ForgetAttempts { get; } =
        $"DELETE FROM {options.ConsumerAttemptsTable} WHERE consumer_group = $1 AND event_id = $2";

    public string RecordAttempt { get; } = $"""
        INSERT INTO {options.ConsumerAttemptsTable} AS a (consumer_group, event_id, attempts, updated_at) VALUES ($1, $2, 1, $3)
        ON CONFLICT (consumer_group, event_id) DO UPDATE SET attempts = a.attempts + 1, updated_at = EXCLUDED.updated_at
        RETURNING attempts
        """;

    public string PurgeProcessed { get; } = $"DELETE FROM {options.ProcessedEventsTable} WHERE processed_at < $1";

    public string PurgeAttempts { get; } = $"DELETE FROM {options.ConsumerAttemptsTable} WHERE updated_at < $1";

    private static string[] SchemaOf(string prefix) =>
        prefix.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? [prefix[..dot]] : NoSchema;
}
