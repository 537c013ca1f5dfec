using Herald;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orders.Services.Hosting;

namespace Orders.Services.Payments;

/// <summary>The payment service: <see cref="PaymentHandlers"/> on the order-flow topic, with its inbox and outbox in SQLite or PostgreSQL.</summary>
public static class PaymentService
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires, Ctrl-C or SIGTERM; prints one <c>ready</c> line once it consumes.</summary>
    public static async Task RunAsync(PaymentOptions options, CancellationToken cancellationToken = default)
    {
        var connectionString = options.Postgres ?? $"Data Source={options.Database}";
        await OrderFlowHosting.EnsureTopicAsync(options.Common, cancellationToken).ConfigureAwait(false);
        await CreateTablesAsync(options, connectionString, cancellationToken).ConfigureAwait(false);

        var builder = Host.CreateApplicationBuilder();
        OrderFlowHosting.ConfigureLogging(builder.Logging);
        builder.Services.AddSingleton(options);
        builder.Services.AddHerald(o =>
            {
                o.UseOrderFlow(options.Common);
                if (options.UsesPostgres)
                {
                    o.UsePostgreSql(connectionString);
                }
                else
                {
                    o.UseSqlite(connectionString);
                }
            })
            // One event per transaction: a charge stands for a call to a payment gateway, so a crash should lose at
            // most the one in flight, not a whole batch of charges that would all be redone.
            .AddConsumer<PaymentHandlers>(options.Common.Topic, options.Common.Group, c => c.BatchSize(1));

        using var host = builder.Build();
        OrderFlowHosting.KnowEveryContract(host.Services);
        OrderFlowHosting.LogDuplicates(host.Services, "payment");
        OrderFlowHosting.StopWithProcess(host, options.Common.ExitWithProcess);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"payment service ready: {(options.UsesPostgres ? "PostgreSQL" : options.Database)}, topic {options.Common.Topic}, group {options.Common.Group}");
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CreateTablesAsync(PaymentOptions options, string connectionString, CancellationToken cancellationToken)
    {
        await using System.Data.Common.DbConnection connection = options.UsesPostgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = PaymentTables.CreateSql(options.UsesPostgres);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
