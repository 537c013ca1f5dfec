using System.Globalization;

namespace Herald.Benchmarks.EventStore;

/// <summary>What the command was asked to measure.</summary>
internal sealed record Settings(
    int Streams,
    int PerStream,
    int Writers,
    int OneStreamSingles,
    int OneStreamBatched,
    int ManyStreamsRounds,
    long ReadEvents,
    bool Full,
    int Loads,
    int AggregateEvents,
    int SnapshotEvery,
    bool Breakdown,
    int RebuildBatch)
{
    public const int PageSize = 10_000;

    /// <summary>Events appended by the append scenarios plus the 2-event warm-up stream.</summary>
    public long AppendedByScenarios => 2L + OneStreamSingles + OneStreamBatched + (long)ManyStreamsRounds * Streams + 2L * Streams * PerStream;
}

internal enum Kind
{
    Append,
    Seed,
    Read,
    Rebuild,
}

/// <summary>One timed scenario of one store.</summary>
internal sealed record Row(string Store, Kind Kind, string Scenario, long Events, TimeSpan Elapsed, string? Note = null)
{
    public double Rate => Events / Elapsed.TotalSeconds;
}

/// <summary>Median aggregate load times of one store.</summary>
internal sealed record LoadRow(string Store, string Mode, double MedianMs, double MinMs, int EventsFolded, int Loads);

internal sealed class Results
{
    public const string HeraldPg = "Herald PostgreSQL";
    public const string HeraldSqlite = "Herald SQLite";
    public const string Marten = "Marten";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public List<Row> Rows { get; } = [];

    public List<LoadRow> Loads { get; } = [];

    public List<string> Notes { get; } = [];

    public Row Add(Row row)
    {
        Rows.Add(row);
        Console.Error.WriteLine(string.Create(Inv, $"{row.Store}, {row.Scenario}: {row.Events:N0} events in {row.Elapsed.TotalSeconds:0.00} s = {row.Rate:N0}/s{(row.Note is null ? "" : " (" + row.Note + ")")}"));
        return row;
    }

    public void Add(LoadRow row)
    {
        Loads.Add(row);
        Console.Error.WriteLine(string.Create(Inv, $"{row.Store}, load {row.Mode}: median {row.MedianMs:0.00} ms, min {row.MinMs:0.00} ms, {row.EventsFolded} events folded, {row.Loads} loads"));
    }

    public void Note(string note)
    {
        Notes.Add(note);
        Console.Error.WriteLine("note: " + note);
    }

    public double? Rate(string store, string scenario) => Rows.FirstOrDefault(r => r.Store == store && r.Scenario == scenario)?.Rate;
}
