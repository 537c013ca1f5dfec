namespace Herald.Sagas;

/// <summary>The root of the saga engine's exceptions.</summary>
public abstract class SagaException : Exception
{
    private protected SagaException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether running the same event again can succeed. The consumer host retries transient failures with its retry
    /// policy and dead-letters the others at once.
    /// </summary>
    public abstract bool IsTransient { get; }
}
