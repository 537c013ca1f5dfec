using System.Net;
using System.Net.Sockets;
using Herald.Broker.Log;
using Herald.Cli.Commands;
using Herald.Server;
using Herald.Testing;

namespace Herald.Cli.Tests;

public sealed class ServeOptionsTests
{
    private static HeraldServerOptions Map(params string[] args) => MapWith(new Dictionary<string, string>(), args);

    private static HeraldServerOptions MapWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var command = new ServeCommand(new CliConsole(TextReader.Null, TextWriter.Null, TextWriter.Null, Environment: environment));
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
        Assert.False(options.Authentication.Enabled);
        Assert.Null(options.Authentication.Administrator);
    }

    [Fact]
    public void Auth_options_map_to_the_authentication_options_with_the_password_from_the_environment()
    {
        var options = MapWith(
            new Dictionary<string, string> { ["HERALD_ADMIN_PASSWORD"] = "from-env" },
            "--auth", "--admin-user", "root", "--session-lifetime", "10m");

        Assert.True(options.Authentication.Enabled);
        Assert.Equal(new Herald.Broker.Security.AdminUser("root", "from-env"), options.Authentication.Administrator);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Authentication.SessionLifetime);
        Assert.DoesNotContain("from-env", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_user_without_HERALD_ADMIN_PASSWORD_exits_two_with_one_line_that_says_what_to_set()
    {
        // Bounded: were the check missing, serve would start and run until cancelled.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = await CliRun.RunAsync(
            ["serve", "--auth", "--admin-user", "root", "--kafka", "127.0.0.1:0", "--registry", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data", TestBroker.NewDataDirectory()],
            cancellationToken: bound.Token,
            environment: new Dictionary<string, string>());

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            "error: --admin-user root needs the password in the environment variable HERALD_ADMIN_PASSWORD (it is never taken from the command line); set it and run again",
            Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
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
