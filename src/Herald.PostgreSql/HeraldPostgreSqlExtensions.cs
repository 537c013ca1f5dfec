using Herald.PostgreSql;
using Herald.PostgreSql.Sagas;

namespace Herald;

/// <summary>PostgreSQL for the SDK's inbox, outbox and sagas: <c>AddHerald(o =&gt; o.Bootstrap(...).UsePostgreSql(connectionString))</c>.</summary>
public static class HeraldPostgreSqlExtensions
{
    /// <summary>
    /// Uses the PostgreSQL database <paramref name="connectionString"/> for the inbox, the transactional outbox and sagas:
    /// handlers write through the inbox's connection and transaction, and the saga steps and events they publish commit with them.
    /// </summary>
    public static HeraldOptionsBuilder UsePostgreSql(this HeraldOptionsBuilder builder, string connectionString) =>
        builder.UseInbox(new PostgreSqlInboxStore(connectionString)).UseOutbox(new PostgreSqlOutboxStore(connectionString)).UseSagaStore(new PostgreSqlSagaStore(connectionString));
}
