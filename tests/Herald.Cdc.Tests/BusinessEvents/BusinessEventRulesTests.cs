using System.Text;
using System.Text.Json;
using Herald.Cdc.BusinessEvents;
using Herald.Cdc.Model;
using Herald.Contracts;

namespace Herald.Cdc.Tests.BusinessEvents;

public sealed class BusinessEventRulesTests
{
    private static BusinessEventRules PaidRules() => new BusinessEventRules()
        .When("public.orders").ColumnChanged("status", from: "pending", to: "paid")
        .Emit(change => new OrderPaid(change.After!["id"]!.GetValue<long>(), change.After!["total"]!.GetValue<string>()));

    [Fact]
    public void A_transition_rule_fires_on_exactly_that_transition()
    {
        var rules = PaidRules();

        var paid = Assert.Single(rules.Evaluate(Orders.Update(1, "pending", "paid")));
        Assert.Equal(new OrderPaid(1, "12.50"), paid.Event);

        Assert.Empty(rules.Evaluate(Orders.Update(1, "paid", "paid")));
        Assert.Empty(rules.Evaluate(Orders.Update(1, "pending", "cancelled")));
        Assert.Empty(rules.Evaluate(Orders.Update(1, "shipped", "paid")));
        Assert.Empty(rules.Evaluate(Orders.Insert(1, "paid")));
        Assert.Empty(rules.Evaluate(Orders.Update(1, "pending", "paid") with { Table = Orders.Table with { Name = "invoices" } }));
    }

    [Fact]
    public void Without_the_old_value_a_transition_cannot_be_proved_and_the_rule_does_not_fire()
    {
        var defaultIdentity = Orders.Update(1, "pending", "paid") with { Before = null };
        var toasted = Orders.Update(1, "pending", "paid") with { Before = Orders.Row(1, ChangeEvent.UnavailableValuePlaceholder) };

        Assert.Empty(PaidRules().Evaluate(defaultIdentity));
        Assert.Empty(PaidRules().Evaluate(toasted));
    }

    [Fact]
    public void Column_changed_and_became_and_inserted_rules()
    {
        var rules = new BusinessEventRules()
            .When("public.orders").ColumnChanged("status").Named("status-changed").Emit(c => new OrderPlaced(c.After!["id"]!.GetValue<long>()))
            .When("public.orders").ColumnBecame("status", "paid").Named("became-paid").Emit(c => new OrderPlaced(2))
            .When("public.orders").Inserted().Emit(c => new OrderPlaced(c.After!["id"]!.GetValue<long>()));

        Assert.Equal(["status-changed", "became-paid"], rules.Evaluate(Orders.Update(5, "shipped", "paid")).Select(e => e.RuleName));
        Assert.Equal(["status-changed"], rules.Evaluate(Orders.Update(5, "pending", "shipped")).Select(e => e.RuleName));
        Assert.Empty(rules.Evaluate(Orders.Update(5, "paid", "paid")));
        Assert.Equal(["public.orders->OrderPlaced"], rules.Evaluate(Orders.Insert(5, "pending")).Select(e => e.RuleName));
        Assert.Empty(rules.Evaluate(Orders.Insert(5, "pending") with { Operation = ChangeOperation.Read }));
    }

    [Fact]
    public void Snapshot_reads_count_only_when_asked()
    {
        var rules = new BusinessEventRules().When("public.orders").Inserted().IncludingSnapshotReads().Emit(c => new OrderPlaced(1));

        Assert.Single(rules.Evaluate(Orders.Insert(5, "pending") with { Operation = ChangeOperation.Read }));
    }

    [Fact]
    public void Event_ids_are_the_same_for_a_redelivered_change_and_differ_by_position_key_and_rule()
    {
        var rules = new BusinessEventRules()
            .When("public.orders").ColumnChanged("status", "pending", "paid").Emit(c => new OrderPaid(1, "1"))
            .When("public.orders").ColumnChanged("status", "pending", "paid").Named("second").Emit(c => new OrderPaid(1, "1"));
        Guid Id(ChangeEvent change, int rule = 0) => rules.Evaluate(change)[rule].EventId;

        var first = Id(Orders.Update(1, "pending", "paid", lsn: 1000));

        Assert.Equal(first, Id(Orders.Update(1, "pending", "paid", lsn: 1000)));
        Assert.NotEqual(first, Id(Orders.Update(1, "pending", "paid", lsn: 1001)));
        Assert.NotEqual(first, Id(Orders.Update(2, "pending", "paid", lsn: 1000)));
        Assert.NotEqual(first, Id(Orders.Update(1, "pending", "paid", lsn: 1000, db: "other")));
        Assert.NotEqual(first, Id(Orders.Update(1, "pending", "paid", lsn: 1000), rule: 1));
        Assert.Equal(5, first.Version);
        Assert.Equal(first, DeterministicEventId.For(Orders.Update(1, "x", "y", lsn: 1000), "public.orders->OrderPaid"));
    }

    [Fact]
    public void Name_based_ids_follow_rfc_9562()
    {
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        Assert.Equal(new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"), DeterministicEventId.NameBased(dns, "www.example.com"));
    }

    [Fact]
    public void Rule_names_must_be_unique_and_transitions_real()
    {
        var rules = PaidRules();

        Assert.Throws<InvalidOperationException>(() =>
            rules.When("public.orders").ColumnChanged("status", "a", "b").Emit(c => new OrderPaid(1, "1")));
        Assert.Throws<ArgumentException>(() => new BusinessEventRules().When("public.orders").ColumnChanged("status", "a", "a"));
        Assert.Throws<ArgumentException>(() => new BusinessEventRules().When("orders"));
    }

    [Fact]
    public void The_transform_writes_records_in_herald_s_envelope()
    {
        var transform = new BusinessEventTransform(PaidRules());

        var record = Assert.Single(transform.Apply(Orders.Update(42, "pending", "paid", lsn: 5000, txId: 9), "shop.public.orders"));

        Assert.Equal("orders.facts", record.Topic);
        Assert.Equal("42", Encoding.UTF8.GetString(record.Key!));
        Assert.Equal(5000UL, record.Lsn);
        var headers = record.Headers.ToDictionary(h => h.Key, h => h.Value);
        Assert.Equal(DeterministicEventId.For(Orders.Update(42, "pending", "paid", lsn: 5000), "public.orders->OrderPaid").ToString(), headers[EnvelopeHeaders.EventId]);
        Assert.Equal("OrderPaid", headers[EnvelopeHeaders.EventType]);
        Assert.Equal("1", headers[EnvelopeHeaders.EventVersion]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), DateTimeOffset.Parse(headers[EnvelopeHeaders.OccurredAt], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(Guid.TryParse(headers[EnvelopeHeaders.CorrelationId], out _));
        Assert.Equal(new OrderPaid(42, "12.50"), JsonSerializer.Deserialize<OrderPaid>(record.Value, ContractSchema.DefaultSerializerOptions));
        Assert.Empty(transform.Apply(Orders.Update(42, "paid", "shipped"), "shop.public.orders"));
    }

    [Fact]
    public void Facts_of_one_transaction_share_a_correlation_id()
    {
        var transform = new BusinessEventTransform(PaidRules());
        string Correlation(ChangeEvent change) =>
            transform.Apply(change, "t")[0].Headers.Single(h => h.Key == EnvelopeHeaders.CorrelationId).Value;

        Assert.Equal(Correlation(Orders.Update(1, "pending", "paid", lsn: 10, txId: 5)), Correlation(Orders.Update(2, "pending", "paid", lsn: 20, txId: 5)));
        Assert.NotEqual(Correlation(Orders.Update(1, "pending", "paid", lsn: 10, txId: 5)), Correlation(Orders.Update(1, "pending", "paid", lsn: 10, txId: 6)));
    }

    [Fact]
    public void A_rule_whose_event_has_no_topic_is_refused_up_front()
    {
        var rules = new BusinessEventRules().When("public.orders").Inserted().Emit(c => new NoTopicOrderPlaced(1));

        var error = Assert.Throws<InvalidOperationException>(() => new BusinessEventTransform(rules));
        Assert.Contains("NoTopicOrderPlaced", error.Message, StringComparison.Ordinal);
        var withTopic = new BusinessEventTransform(new BusinessEventRules().When("public.orders").Inserted().ToTopic("x").Emit(c => new NoTopicOrderPlaced(1)));
        Assert.Equal("x", Assert.Single(withTopic.Apply(Orders.Insert(5, "pending"), "t")).Topic);
    }

    public sealed record NoTopicOrderPlaced([property: PartitionKey] long OrderId);
}
