using System.Security.Cryptography;
using System.Text;

namespace Herald.Consuming;

/// <summary>The ids attempts are counted under in the inbox's attempts table, next to plain event ids.</summary>
internal static class AttemptKeys
{
    /// <summary>A stable id for "the batch starting at this offset".</summary>
    public static Guid Batch(string topic, int partition, long offset) => Derive($"herald-batch:{topic}:{partition}:{offset}");

    /// <summary>
    /// A stable id for one redrive of an event (<paramref name="redrivenFrom"/> is the dead letter's address): the event's
    /// own attempts ran out when it was dead-lettered, and a person who redrives it asks for a fresh set. Each dead letter
    /// is redriven at most once, so a crash loop after a redrive is still bounded.
    /// </summary>
    public static Guid Redrive(Guid eventId, string redrivenFrom) => Derive($"herald-redrive:{eventId}:{redrivenFrom}");

    private static Guid Derive(string text) => new(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
