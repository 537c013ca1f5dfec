using Herald.Broker.Monitoring;

namespace Herald.WebConsole.Groups;

/// <summary>How the console ranks and labels groups: the ones nobody is draining first, then the most behind.</summary>
internal static class GroupStatus
{
    /// <summary>Behind with no member to catch up: the group is stopped, and its lag only grows.</summary>
    public static bool IsStopped(GroupLag group) => group.TotalLagMessages > 0 && group.Members.Count == 0;

    /// <summary>A short label for the group's condition.</summary>
    public static string Label(GroupLag group) =>
        IsStopped(group) ? "stopped, behind" : group.TotalLagMessages > 0 ? "behind" : "caught up";

    /// <summary>Stopped groups first, then by max lag seconds (a stuck consumer's grows), total lag, and id.</summary>
    public static IEnumerable<GroupLag> MostBehindFirst(IEnumerable<GroupLag> groups) => groups
        .OrderBy(g => IsStopped(g) ? 0 : 1)
        .ThenByDescending(g => g.MaxLagSeconds)
        .ThenByDescending(g => g.TotalLagMessages)
        .ThenBy(g => g.Group, StringComparer.Ordinal);

    /// <summary>Seconds as the console shows them: one decimal.</summary>
    public static string Seconds(double? seconds) =>
        seconds is { } s ? s.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
