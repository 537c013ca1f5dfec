using System.Runtime.CompilerServices;

namespace Herald.Sagas;

/// <summary>Creates a store's tables once per process, however many sagas and services ask.</summary>
internal static class SagaTables
{
    private static readonly ConditionalWeakTable<ISagaStore, Task> Created = [];

    /// <remarks>
    /// Concurrent <c>CREATE TABLE IF NOT EXISTS</c> can still collide in PostgreSQL's catalog, so the consumer host and
    /// the timeout service share one creation. A failed creation is forgotten and tried again by the next caller.
    /// </remarks>
    public static async Task EnsureCreatedAsync(ISagaStore store, CancellationToken cancellationToken)
    {
        var creation = Created.GetValue(store, s => s.EnsureCreatedAsync(CancellationToken.None));
        try
        {
            await creation.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (creation.IsFaulted)
        {
            Created.Remove(store);
            throw;
        }
    }
}
