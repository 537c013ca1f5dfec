namespace Herald.Broker.Network;

/// <summary>What a handler knows about the request it serves.</summary>
public sealed class RequestContext
{
    private List<IDisposable>? _releaseAfterResponse;

    public required short ApiKey { get; init; }

    public required short ApiVersion { get; init; }

    public required int CorrelationId { get; init; }

    public required string ClientId { get; init; }

    public required string ClientHost { get; init; }

    public CancellationToken Cancellation { get; init; }

    /// <summary>The SASL user the connection authenticated as; null when authentication is off.</summary>
    public string? User { get; init; }

    /// <summary>Whether <see cref="User"/> is a super user (an administrator), who may manage other users.</summary>
    public bool IsSuperUser { get; init; }

    /// <summary>Keeps <paramref name="resource"/> (e.g. pooled fetch buffers) alive until the response is written.</summary>
    public void ReleaseAfterResponse(IDisposable resource) => (_releaseAfterResponse ??= []).Add(resource);

    internal void ReleaseResources()
    {
        if (_releaseAfterResponse is null)
        {
            return;
        }

        foreach (var resource in _releaseAfterResponse)
        {
            resource.Dispose();
        }

        _releaseAfterResponse.Clear();
    }
}
