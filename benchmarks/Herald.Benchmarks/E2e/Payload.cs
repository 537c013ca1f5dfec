namespace Herald.Benchmarks.E2e;

/// <summary>The throughput runs' value: <c>size</c> pseudo-random bytes (fixed seed), the same for every record and broker.</summary>
public static class Payload
{
    /// <summary>Makes a value of <paramref name="size"/> bytes.</summary>
    public static byte[] Create(int size)
    {
        var value = new byte[size];
        new Random(42).NextBytes(value);
        return value;
    }
}
