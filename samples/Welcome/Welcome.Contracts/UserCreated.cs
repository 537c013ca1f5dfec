using Herald.Contracts;

namespace Welcome.Contracts;

/// <summary>A user signed up. Keyed by <see cref="UserId"/>, so one user's events stay in order on one partition.</summary>
/// <param name="UserId">The user's id; the partition key.</param>
/// <param name="Email">Personal data: Herald never writes it to logs, exception messages or dead-letter headers.</param>
public sealed record UserCreated([property: PartitionKey] string UserId, [property: Pii] string Email);

/// <summary>Names shared by the producer and the consumer.</summary>
public static class WelcomeTopics
{
    public const string UserEvents = "user-events";
}
