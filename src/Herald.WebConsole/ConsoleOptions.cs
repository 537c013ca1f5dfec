using Herald.WebConsole.Sagas;

namespace Herald.WebConsole;

/// <summary>How the console samples its history, and where it finds saga instances.</summary>
public sealed record ConsoleOptions
{
    /// <summary>How often topics' rates and groups' lag are sampled for the charts. Default 10 s.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How far back the charts reach. Default 1 hour.</summary>
    public TimeSpan HistoryLength { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The service databases the Sagas pages and <c>/api/v1/sagas</c> read (<c>herald serve --sagas</c>). Default: none,
    /// and the pages say how to add one.
    /// </summary>
    public IReadOnlyList<SagaSource> Sagas { get; init; } = [];

    /// <summary>
    /// How long one saga source may take to answer before the page shows it as unreachable and renders the others.
    /// Default 5 s.
    /// </summary>
    public TimeSpan SagaQueryTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
