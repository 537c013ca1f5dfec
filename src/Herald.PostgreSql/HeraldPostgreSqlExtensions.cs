using Herald.PostgreSql;
using Herald.PostgreSql.Sagas;

namespace Herald;

/// <summary>PostgreSQL for the SDK's inbox: <c>AddHerald(o =&gt; o.Bootstrap(...).UsePostgreSql(connectionString))</c>.</summary>
public static class HeraldPostgreSqlExtensions
{
    /// <summary>Uses the PostgreSQL inbox, and the same database for sagas; handlers write through its connection and transaction.</summary>
    public static HeraldOptionsBuilder UsePostgreSql(this HeraldOptionsBuilder builder, string connectionString) =>
        builder.UseInbox(new PostgreSqlInboxStore(connectionString)).UseSagaStore(new PostgreSqlSagaStore(connectionString));
}
