using System.Text.RegularExpressions;
using Herald.Broker.Monitoring;
using Herald.Cli.Monitoring;

namespace Herald.Cli.Tests.Monitoring;

public sealed class LagReportTests
{
    private static readonly GroupLag Billing = new(
        "billing",
        "Empty",
        "consumer",
        [],
        TotalLagMessages: 16,
        MaxLagMessages: 10,
        MaxLagSeconds: 42.5,
        [
            new PartitionLag("orders", 0, 5, 0, 15, 10, 42.5, null, null, null),
            new PartitionLag("orders", 1, 20, 0, 20, 0, 0, null, null, null),
            new PartitionLag("payments", 0, 1, 0, 7, 6, 3.25, null, null, null),
            new PartitionLag("payments", 1, null, 0, 9, null, null, null, null, null),
        ]);

    private static readonly GroupLag Shipping = Billing with { Group = "shipping", TotalLagMessages = 0, MaxLagMessages = 0, MaxLagSeconds = 0, Partitions = [] };

    [Fact]
    public void Without_filters_every_group_keeps_the_broker_totals()
    {
        var groups = LagReport.Filter([Billing, Shipping], group: null, topic: null);

        Assert.Equal([Billing, Shipping], groups);
    }

    [Fact]
    public void Group_filter_is_an_unanchored_regex()
    {
        Assert.Equal(["billing"], LagReport.Filter([Billing, Shipping], new Regex("ill"), null).Select(g => g.Group));
        Assert.Empty(LagReport.Filter([Billing, Shipping], new Regex("^ill"), null));
    }

    [Fact]
    public void Topic_filter_keeps_matching_partitions_and_recomputes_the_totals_over_them()
    {
        var payments = Assert.Single(LagReport.Filter([Billing, Shipping], null, new Regex("^payments$")));

        Assert.Equal(["payments", "payments"], payments.Partitions.Select(p => p.Topic));
        Assert.Equal(6, payments.TotalLagMessages);
        Assert.Equal(6, payments.MaxLagMessages);
        Assert.Equal(3.25, payments.MaxLagSeconds);
    }

    [Fact]
    public void A_partition_never_committed_counts_as_no_lag()
    {
        var group = Billing with { Partitions = [Billing.Partitions[3]] };

        var filtered = Assert.Single(LagReport.Filter([group], null, new Regex("payments")));

        Assert.Equal((0L, 0L, 0.0), (filtered.TotalLagMessages, filtered.MaxLagMessages, filtered.MaxLagSeconds));
    }

    [Fact]
    public void Limits_are_broken_only_when_strictly_exceeded()
    {
        var summary = GroupSummary.From(Billing);

        Assert.Empty(LagReport.Breaches([summary], maxLag: 16, maxLagSeconds: 42.5));
        Assert.Equal(["group 'billing' lag 16 > --max-lag 15"], LagReport.Breaches([summary], maxLag: 15, maxLagSeconds: null));
        Assert.Equal(["group 'billing' lag seconds 42.5 > --max-lag-seconds 42"], LagReport.Breaches([summary], maxLag: null, maxLagSeconds: 42));
        Assert.Equal(2, LagReport.Breaches([summary, GroupSummary.From(Shipping)], maxLag: 0, maxLagSeconds: 0).Count);
        Assert.Empty(LagReport.Breaches([GroupSummary.From(Shipping)], maxLag: 0, maxLagSeconds: 0));
    }
}
