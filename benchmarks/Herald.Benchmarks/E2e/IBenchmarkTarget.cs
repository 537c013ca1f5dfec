namespace Herald.Benchmarks.E2e;

/// <summary>
/// One broker under test (a fresh one per results row) and the client code that drives it. Every workload is
/// the same for every target: N records of S bytes produced with acknowledgements, read back, and a fixed-rate
/// latency run.
/// </summary>
public interface IBenchmarkTarget : IAsyncDisposable
{
    /// <summary>Short name for the results table, e.g. <c>Herald</c>.</summary>
    string Name { get; }

    /// <summary>Starts the broker and connects; returns once it accepts clients.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Creates a topic/stream with <paramref name="partitions"/> partitions (NATS: always one stream).</summary>
    Task CreateStreamAsync(string name, int partitions, CancellationToken cancellationToken);

    /// <summary>Produces <paramref name="records"/> values of <paramref name="size"/> bytes, waiting for every acknowledgement.</summary>
    Task<ThroughputResult> ProduceAsync(string stream, int records, int size, CancellationToken cancellationToken);

    /// <summary>Reads <paramref name="records"/> records back from the beginning of every partition.</summary>
    Task<ThroughputResult> ConsumeAsync(string stream, int partitions, int records, CancellationToken cancellationToken);

    /// <summary>Produces at a fixed rate into a fresh stream while a consumer measures receive − send per record.</summary>
    Task<LatencyResult> MeasureLatencyAsync(string stream, LatencyWorkload workload, CancellationToken cancellationToken);

    /// <summary>The broker process's peak resident set (VmHWM) so far, or null when it cannot be told apart from the rig.</summary>
    long? PeakRssBytes();
}
