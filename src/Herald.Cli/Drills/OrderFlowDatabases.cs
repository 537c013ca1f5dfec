using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orders.Services.Payments;

namespace Herald.Cli.Drills;

/// <summary>Reads what the services' databases say, from the drill's side.</summary>
internal static class OrderFlowDatabases
{
    /// <summary>Charges and refunds per order in the payment service's ledger (its SQLite file, or its PostgreSQL database).</summary>
    public static async Task<IReadOnlyDictionary<Guid, (int Charges, int Refunds)>> LedgerAsync(OrderFlowServices services, CancellationToken cancellationToken)
    {
        if (services.PaymentsPostgres is null && !File.Exists(services.PaymentsDatabase))
        {
            return new Dictionary<Guid, (int, int)>();
        }

        await using DbConnection connection = services.PaymentsPostgres is { } postgres
            ? new NpgsqlConnection(postgres)
            : new SqliteConnection($"Data Source={services.PaymentsDatabase};Mode=ReadOnly");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PaymentTables.CountLedgerAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // The service has not created its tables yet.
            return new Dictionary<Guid, (int, int)>();
        }
    }
}
