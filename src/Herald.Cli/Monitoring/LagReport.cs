using System.Text.RegularExpressions;
using Herald.Broker.Monitoring;

namespace Herald.Cli.Monitoring;

/// <summary>What <c>herald lag</c> does with the broker's report: filter groups and topics, and check the limits.</summary>
internal static class LagReport
{
    /// <summary>
    /// The groups whose id matches <paramref name="group"/>; with <paramref name="topic"/>, only their partitions of matching
    /// topics, with the group's totals recomputed over those (a group left without partitions is dropped).
    /// </summary>
    public static IReadOnlyList<GroupLag> Filter(IEnumerable<GroupLag> groups, Regex? group, Regex? topic)
    {
        var selected = new List<GroupLag>();
        foreach (var lag in groups)
        {
            if (group is not null && !group.IsMatch(lag.Group))
            {
                continue;
            }

            if (topic is null)
            {
                selected.Add(lag);
                continue;
            }

            var partitions = lag.Partitions.Where(p => topic.IsMatch(p.Topic)).ToList();
            if (partitions.Count == 0)
            {
                continue;
            }

            selected.Add(lag with
            {
                Partitions = partitions,
                TotalLagMessages = partitions.Sum(p => p.LagMessages ?? 0),
                MaxLagMessages = partitions.Max(p => p.LagMessages ?? 0),
                MaxLagSeconds = partitions.Max(p => p.LagSeconds ?? 0),
            });
        }

        return selected;
    }

    /// <summary>One phrase per group over a limit (<c>group 'billing' lag 1200 &gt; --max-lag 1000</c>); empty when none is.</summary>
    /// <remarks>A limit is broken when the value is strictly greater, so <c>--max-lag 0</c> means "fully caught up".</remarks>
    public static IReadOnlyList<string> Breaches(IEnumerable<GroupSummary> groups, long? maxLag, double? maxLagSeconds)
    {
        var breaches = new List<string>();
        foreach (var group in groups)
        {
            if (maxLag is { } messages && group.TotalLagMessages > messages)
            {
                breaches.Add($"group '{group.Group}' lag {GroupSummary.Format(group.TotalLagMessages)} > --max-lag {GroupSummary.Format(messages)}");
            }

            if (maxLagSeconds is { } seconds && group.MaxLagSeconds > seconds)
            {
                breaches.Add($"group '{group.Group}' lag seconds {group.MaxLagSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} > --max-lag-seconds {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }

        return breaches;
    }
}
