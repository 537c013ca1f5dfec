using Herald.PostgreSql;

namespace Herald;

/// <summary>PostgreSQL for the SDK's inbox and outbox: <c>AddHerald(o =&gt; o.Bootstrap(...).UsePostgreSql(connectionString))</c>.</summary>
public static class HeraldPostgreSqlExtensions
{
    /// <summary>
    /// Uses the PostgreSQL database <paramref name="connectionString"/> for the inbox and the transactional outbox:
    /// handlers write through the inbox's connection and transaction, and the events they publish commit with them.
    /// </summary>
    public static HeraldOptionsBuilder UsePostgreSql(this HeraldOptionsBuilder builder, string connectionString) =>
        builder.UseInbox(new PostgreSqlInboxStore(connectionString)).UseOutbox(new PostgreSqlOutboxStore(connectionString));
}
