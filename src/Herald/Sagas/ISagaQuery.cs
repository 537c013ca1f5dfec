namespace Herald.Sagas;

/// <summary>
/// Reads saga instances for people and tools: <c>herald sagas list|show</c> and the web console. Reads only; it never
/// takes part in a handler's transaction.
/// </summary>
public interface ISagaQuery
{
    /// <summary>Instances matching <paramref name="filter"/>, stalest first, one page at a time.</summary>
    Task<SagaPage> ListAsync(SagaFilter filter, CancellationToken cancellationToken = default);

    /// <summary>One instance with its data, history and timeouts; null when there is none.</summary>
    Task<SagaInstance?> GetAsync(string type, string id, CancellationToken cancellationToken = default);
}
