using Herald.Consuming;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Welcome.Contracts;

namespace Welcome.Consumer;

/// <summary>
/// "Sends" one welcome email per user: records it in <c>welcome_emails</c> inside the inbox transaction, so the row
/// and the inbox's processed-event row commit together and a redelivered event is skipped instead of mailed twice.
/// </summary>
public sealed partial class SendWelcomeEmail(ILogger<SendWelcomeEmail> logger) : IEventHandler<UserCreated>
{
    public static async Task EnsureTableAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS welcome_emails (user_id TEXT PRIMARY KEY, event_id TEXT NOT NULL, sent_at TEXT NOT NULL)";
        await command.ExecuteNonQueryAsync();
    }

    public async Task HandleAsync(UserCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        await using var command = context.Connection.CreateCommand();
        command.Transaction = context.Transaction;
        command.CommandText = "INSERT INTO welcome_emails (user_id, event_id, sent_at) VALUES ($user, $event, $at)";
        Add(command, "$user", @event.UserId);
        Add(command, "$event", context.Envelope.EventId.ToString());
        Add(command, "$at", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);

        // The user id only: the email address is PII.
        LogWelcome(@event.UserId);
    }

    private static void Add(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(LogLevel.Information, "welcome email for {UserId}")]
    private partial void LogWelcome(string userId);
}
