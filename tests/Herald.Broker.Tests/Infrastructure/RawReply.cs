namespace Herald.Broker.Tests.Infrastructure;

/// <summary>What a broker did with raw bytes: what it answered, and whether it closed the connection.</summary>
/// <param name="Response">Every byte received.</param>
/// <param name="Closed">True when the broker closed (or reset) the connection; false when the wait's bound passed first.</param>
public sealed record RawReply(byte[] Response, bool Closed)
{
    /// <summary>Whether <see cref="Response"/> is a sequence of whole size-prefixed frames (possibly none).</summary>
    public bool IsWholeFrames
    {
        get
        {
            var at = 0;
            while (at + 4 <= Response.Length)
            {
                var size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(Response.AsSpan(at));
                if (size < 4 || at + 4 + size > Response.Length)
                {
                    return false;
                }

                at += 4 + size;
            }

            return at == Response.Length;
        }
    }

    public override string ToString() => $"{(Closed ? "closed" : "still open")} after {Response.Length} response bytes";
}
