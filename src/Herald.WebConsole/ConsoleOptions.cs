namespace Herald.WebConsole;

/// <summary>How the console samples its history.</summary>
public sealed record ConsoleOptions
{
    /// <summary>How often topics' rates and groups' lag are sampled for the charts. Default 10 s.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How far back the charts reach. Default 1 hour.</summary>
    public TimeSpan HistoryLength { get; init; } = TimeSpan.FromHours(1);
}
