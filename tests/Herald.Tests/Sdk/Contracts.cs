using Herald.Consuming;
using Herald.Contracts;
using Microsoft.Data.Sqlite;

namespace Herald.Tests.Sdk;

public sealed record UserCreated([property: PartitionKey] string UserId, [property: Pii] string Email, int Sequence = 0);

public sealed record MetricSampled(double Value);

public sealed record CreateOrder([property: PartitionKey] string OrderId);

/// <summary>Records one welcome email per user in the handler's transaction.</summary>
public sealed class SendWelcomeEmail : IEventHandler<UserCreated>
{
    public static async Task EnsureTableAsync(string database)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS welcome_emails (user_id TEXT NOT NULL, sequence INTEGER NOT NULL, handled_by TEXT NOT NULL, row_id INTEGER PRIMARY KEY AUTOINCREMENT)";
        await command.ExecuteNonQueryAsync();
    }

    public async Task HandleAsync(UserCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        await using var command = context.Connection.CreateCommand();
        command.Transaction = context.Transaction;
        command.CommandText = "INSERT INTO welcome_emails (user_id, sequence, handled_by) VALUES (@user, @sequence, @by)";
        var user = command.CreateParameter();
        user.ParameterName = "user";
        user.Value = @event.UserId;
        command.Parameters.Add(user);
        var sequence = command.CreateParameter();
        sequence.ParameterName = "sequence";
        sequence.Value = @event.Sequence;
        command.Parameters.Add(sequence);
        var by = command.CreateParameter();
        by.ParameterName = "by";
        by.Value = Environment.GetEnvironmentVariable("HERALD_TEST_HOST") ?? context.ConsumerGroup;
        command.Parameters.Add(by);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Always fails, with the user's email in the message (which must never leave the SDK unmasked).</summary>
public sealed class FailingHandler : IEventHandler<UserCreated>
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> CallsByUser = new();

    /// <summary>How often the handler ran for <paramref name="userId"/> (tests use unique user ids, so they can run in parallel).</summary>
    public static int Calls(string userId) => CallsByUser.GetValueOrDefault(userId);

    public Task HandleAsync(UserCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        CallsByUser.AddOrUpdate(@event.UserId, 1, (_, n) => n + 1);
        throw new InvalidOperationException($"mail server rejected {@event.Email}");
    }
}

/// <summary>Fails the first <see cref="FailFirst"/> runs for a user (tests register unique user ids), then succeeds.</summary>
public sealed class FlakyHandler : IEventHandler<UserCreated>
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> FailuresLeft = new();

    /// <summary>Makes the next <paramref name="runs"/> runs for <paramref name="userId"/> throw.</summary>
    public static void FailFirst(string userId, int runs) => FailuresLeft[userId] = runs;

    public Task HandleAsync(UserCreated @event, EventContext context, CancellationToken cancellationToken)
    {
        if (FailuresLeft.TryGetValue(@event.UserId, out var left) && left > 0)
        {
            FailuresLeft[@event.UserId] = left - 1;
            throw new TimeoutException($"the mail server did not answer for {@event.Email}");
        }

        return Task.CompletedTask;
    }
}
