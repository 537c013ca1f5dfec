using System.Net;
using System.Net.Sockets;
using Herald.Broker.Log;
using Herald.Cli.Commands;
using Herald.Server;

namespace Herald.Cli.Tests;

public sealed class ServeOptionsTests
{
    private static HeraldServerOptions Map(params string[] args)
    {
        var command = new ServeCommand(new CliConsole(TextReader.Null, TextWriter.Null, TextWriter.Null));
        var result = command.Parse(args);
        Assert.Empty(result.Errors);
        return command.ToServerOptions(result);
    }

    [Fact]
    public void No_options_keep_the_server_defaults()
    {
        var options = Map();
        var defaults = new HeraldServerOptions();

        Assert.Equal(defaults.DataDirectory, options.DataDirectory);
        Assert.Equal(defaults.KafkaListen, options.KafkaListen);
        Assert.Equal(defaults.RegistryListen, options.RegistryListen);
        Assert.Equal(defaults.HttpListen, options.HttpListen);
        Assert.True(options.AutoCreateTopics);
        Assert.Equal(defaults.DefaultPartitions, options.DefaultPartitions);
        Assert.Equal(FlushPolicy.None, options.Log.Flush);
    }

    [Fact]
    public void Every_option_maps_to_its_server_option()
    {
        var options = Map(
            "--data", "/var/lib/herald",
            "--kafka", "0.0.0.0:19092",
            "--registry", "127.0.0.1:18081",
            "--http", "[::1]:18080",
            "--fsync",
            "--no-auto-create-topics",
            "--partitions", "6");

        Assert.Equal("/var/lib/herald", options.DataDirectory);
        Assert.Equal("0.0.0.0:19092", options.KafkaListen);
        Assert.Equal("127.0.0.1:18081", options.RegistryListen);
        Assert.Equal("[::1]:18080", options.HttpListen);
        Assert.Equal(FlushPolicy.EveryAppend, options.Log.Flush);
        Assert.False(options.AutoCreateTopics);
        Assert.Equal(6, options.DefaultPartitions);
    }

    [Theory]
    [InlineData("--kafka", "localhost")]
    [InlineData("--registry", "127.0.0.1:")]
    [InlineData("--http", "127.0.0.1:99999")]
    public void Malformed_address_is_a_cli_error_naming_the_option(string option, string value)
    {
        var error = Assert.Throws<CliException>(() => Map(option, value));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_in_use_exits_one_with_one_line()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var run = await CliRun.RunAsync(["serve", "--kafka", $"127.0.0.1:{port}", "--registry", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data", Path.GetTempPath()]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: cannot listen on 127.0.0.1:{port} (kafka): address already in use", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Bad_address_exits_one_with_one_line()
    {
        var run = await CliRun.RunAsync(["serve", "--kafka", "nowhere"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: invalid --kafka address 'nowhere'", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
