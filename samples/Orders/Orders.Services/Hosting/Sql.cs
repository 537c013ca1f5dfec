using System.Data.Common;

namespace Orders.Services.Hosting;

/// <summary>Small helpers for parameterised commands in a handler's transaction; the SQL is plain enough for SQLite and PostgreSQL.</summary>
internal static class Sql
{
    public static DbCommand Command(DbConnection connection, DbTransaction transaction, string text, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string text, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, text, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Order ids as lowercase text on both engines (Microsoft.Data.Sqlite would bind a Guid as a blob).</summary>
    public static string Id(Guid orderId) => orderId.ToString("D");
}
