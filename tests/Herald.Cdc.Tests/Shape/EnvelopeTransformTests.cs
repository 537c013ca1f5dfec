using Herald.Cdc.Model;
using Herald.Cdc.Transforms;

namespace Herald.Cdc.Tests.Shape;

public sealed class EnvelopeTransformTests
{
    private const string Topic = "PostgreSQL_server.public.customers";

    [Fact]
    public void Create_is_one_envelope_record_keyed_by_the_primary_key()
    {
        var record = Assert.Single(new EnvelopeTransform().Apply(Customers.Create(), Topic));

        Assert.Equal(Topic, record.Topic);
        JsonAssert.Equal("""{"id":1}""", record.Key);
        Assert.Equal("c", JsonAssert.Parse(record.Value)["op"]!.GetValue<string>());
        Assert.Equal(24023128UL, record.Lsn);
    }

    [Fact]
    public void Delete_is_followed_by_a_tombstone_with_the_same_key()
    {
        var records = new EnvelopeTransform().Apply(Customers.Delete(), Topic);

        Assert.Equal(2, records.Count);
        Assert.Equal("d", JsonAssert.Parse(records[0].Value)["op"]!.GetValue<string>());
        Assert.Null(records[1].Value);
        Assert.Equal(records[0].Key, records[1].Key);
        Assert.Equal(records[0].Lsn, records[1].Lsn);
    }

    [Fact]
    public void Tombstones_can_be_turned_off()
    {
        var transform = new EnvelopeTransform(options: new EnvelopeTransformOptions { TombstonesOnDelete = false });

        var record = Assert.Single(transform.Apply(Customers.Delete(), Topic));
        Assert.NotNull(record.Value);
    }

    [Fact]
    public void Truncate_is_one_record_with_a_null_key()
    {
        var record = Assert.Single(new EnvelopeTransform().Apply(Customers.Truncate(), Topic));

        Assert.Null(record.Key);
        Assert.Equal("t", JsonAssert.Parse(record.Value)["op"]!.GetValue<string>());
    }

    [Fact]
    public void Change_headers_go_on_every_record()
    {
        var change = Customers.Delete() with { Headers = [new("__debezium.newkey", """{"id":2}""")] };

        var records = new EnvelopeTransform().Apply(change, Topic);

        Assert.All(records, r => Assert.Equal("__debezium.newkey", Assert.Single(r.Headers).Key));
    }
}
