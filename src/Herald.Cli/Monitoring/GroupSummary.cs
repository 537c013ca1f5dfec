using System.Globalization;
using Herald.Broker.Monitoring;
using Spectre.Console;

namespace Herald.Cli.Monitoring;

/// <summary>One group in <c>groups list</c> and <c>lag</c>: where it stands, summed over its partitions.</summary>
/// <param name="Group">The group id.</param>
/// <param name="State">The broker's group state (<c>Empty</c>, <c>Stable</c>, ...).</param>
/// <param name="Members">Members of the current generation.</param>
/// <param name="TotalLagMessages">Messages behind, summed over partitions.</param>
/// <param name="MaxLagMessages">The worst partition's lag in messages.</param>
/// <param name="MaxLagSeconds">The worst partition's lag in seconds: how long its oldest unconsumed record has waited.</param>
/// <param name="Partitions">How many partitions the numbers cover.</param>
internal sealed record GroupSummary(string Group, string State, int Members, long TotalLagMessages, long MaxLagMessages, double MaxLagSeconds, int Partitions)
{
    public static GroupSummary From(GroupLag lag) =>
        new(lag.Group, lag.State, lag.Members.Count, lag.TotalLagMessages, lag.MaxLagMessages, lag.MaxLagSeconds, lag.Partitions.Count);

    /// <summary>A table with one row per group; <paramref name="title"/> on top when given.</summary>
    public static Table ToTable(IEnumerable<GroupSummary> groups, string? title = null)
    {
        var table = new Table()
            .AddColumn("Group").AddColumn("State").AddColumn(new TableColumn("Members").RightAligned())
            .AddColumn(new TableColumn("Lag").RightAligned()).AddColumn(new TableColumn("Lag seconds").RightAligned());
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }

        foreach (var group in groups)
        {
            table.AddRow(
                Markup.Escape(group.Group),
                Markup.Escape(group.State),
                Format(group.Members),
                Format(group.TotalLagMessages),
                Seconds(group.MaxLagSeconds));
        }

        return table;
    }

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Seconds with one decimal, as people read lag.</summary>
    public static string Seconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
