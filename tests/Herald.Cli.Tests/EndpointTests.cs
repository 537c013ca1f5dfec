namespace Herald.Cli.Tests;

public sealed class EndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:9092", "127.0.0.1", 9092)]
    [InlineData("localhost:0", "localhost", 0)]
    [InlineData("[::1]:9092", "::1", 9092)]
    public void Parses_host_and_port(string value, string host, int port)
    {
        var endpoint = Endpoint.Parse(value, "--kafka");

        Assert.Equal(new Endpoint(host, port), endpoint);
        Assert.Equal(value, endpoint.ToString());
    }

    [Theory]
    [InlineData("9092")]
    [InlineData(":9092")]
    [InlineData("host:")]
    [InlineData("host:-1")]
    [InlineData("host:65536")]
    public void Rejects_what_is_not_host_port(string value) =>
        Assert.Throws<CliException>(() => Endpoint.Parse(value, "--kafka"));

    [Fact]
    public void Parses_a_bootstrap_list() =>
        Assert.Equal(2, Endpoint.ParseList("a:1, b:2", "--bootstrap").Count);
}
