using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orders.Services.Payments;

namespace Herald.Cli.Drills;

/// <summary>One thing a drill checked, and whether it held.</summary>
internal sealed record DrillCheck(string What, bool Passed);

/// <summary>The events of one order as seen on the topic: each event id once, in log order, and how many records were resends.</summary>
/// <param name="Types">Event types of the distinct events, in the order they first appeared.</param>
/// <param name="DistinctByType">Distinct event ids per event type.</param>
/// <param name="Resent">Records whose event id had been seen already (a relay retry; the consumers' inboxes drop them).</param>
internal sealed record OrderEvents(IReadOnlyList<string> Types, IReadOnlyDictionary<string, int> DistinctByType, int Resent)
{
    public static OrderEvents Of(IReadOnlyList<ObservedEvent> records)
    {
        var seen = new HashSet<Guid>();
        var distinct = records.Where(r => seen.Add(r.EventId)).ToList();
        return new OrderEvents(
            [.. distinct.Select(e => e.EventType)],
            distinct.GroupBy(e => e.EventType, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            records.Count - distinct.Count);
    }

    /// <summary>Every event of <paramref name="expected"/> exactly once (by event id), in that order, and nothing else.</summary>
    public bool AreExactly(IReadOnlyList<string> expected) => Types.SequenceEqual(expected, StringComparer.Ordinal);

    public override string ToString() => string.Join(" → ", Types) + (Resent > 0 ? $" (+{Resent} resent record(s), same event id)" : "");
}

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
