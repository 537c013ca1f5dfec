using System.Runtime.CompilerServices;

namespace Herald.Sagas;

/// <summary>Creates a store's tables once per process, however many sagas and services ask.</summary>
internal static class SagaTables
{
    private static readonly ConditionalWeakTable<ISagaStore, Lazy<Task>> Created = [];

    /// <remarks>
    /// Concurrent <c>CREATE TABLE IF NOT EXISTS</c> can still collide in PostgreSQL's catalog, so the consumer host and
    /// the timeout service share one creation. A failed creation is forgotten and tried again by the next caller.
    /// </remarks>
    public static async Task EnsureCreatedAsync(ISagaStore store, CancellationToken cancellationToken)
    {
        // GetValue may run its callback more than once under a race; the Lazy makes the creation itself run once.
        var creation = Created.GetValue(store, s => new Lazy<Task>(() => s.EnsureCreatedAsync(CancellationToken.None))).Value;
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
