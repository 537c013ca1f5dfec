using Herald.Cli.Commands;
using Herald.PostgreSql.Sagas;
using Herald.Sagas;
using Herald.Server;

namespace Herald.Cli.Tests;

/// <summary><c>herald serve --sagas</c>: the saga sources the console reads, and the one-line errors for values that are not one.</summary>
public sealed class ServeSagasOptionTests
{
    [Fact]
    public async Task Sources_are_named_after_their_file_or_database_unless_named_and_described_without_secrets()
    {
        var options = Map(
            "--sagas", "sqlite:/srv/shop/app.db",
            "--sagas", "ledger=postgres:Host=db.internal;Database=billing;Username=reader;Password=hunter2",
            "--sagas", "postgres:Host=db.internal;Port=5433;Database=stock levels");
        try
        {
            var sources = options.Console.Sagas;
            Assert.Equal(["app", "ledger", "stock-levels"], sources.Select(s => s.Name));
            Assert.Equal(["SQLite /srv/shop/app.db", "PostgreSQL db.internal:5432/billing", "PostgreSQL db.internal:5433/stock levels"], sources.Select(s => s.Description));
            Assert.IsType<SqliteSagaStore>(sources[0].Query);
            Assert.IsType<PostgreSqlSagaStore>(sources[1].Query);
        }
        finally
        {
            await ServeCommand.CloseSagaSourcesAsync(options);
        }
    }

    [Fact]
    public void Without_the_option_there_are_no_sources()
    {
        Assert.Empty(Map().Console.Sagas);
    }

    [Theory]
    [InlineData("orders.db", "--sagas: 'orders.db' is not a saga source; use sqlite:PATH or postgres:CONNSTR, optionally with NAME= in front")]
    [InlineData("mysql:Server=db", "--sagas: 'mysql:Server=db' is not a saga source; use sqlite:PATH or postgres:CONNSTR, optionally with NAME= in front")]
    [InlineData("sqlite:", "--sagas: sqlite: needs the database file's path, e.g. sqlite:/srv/shop/app.db")]
    [InlineData("shop=postgres:", "--sagas: postgres: needs a connection string, e.g. postgres:\"Host=db;Database=shop\"")]
    [InlineData("my shop=sqlite:shop.db", "--sagas: 'my shop' is not a source name; use letters, digits, '.', '_' and '-' (at most 64)")]
    [InlineData("postgres:Host=db;Password=hunter2;Colour=blue", "--sagas: the value after postgres: is not a PostgreSQL connection string (Couldn't set colour (Parameter 'colour'))")]
    public async Task A_value_that_is_not_a_source_exits_two_with_one_line(string value, string error)
    {
        var run = await ServeAsync("--sagas", value);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"error: {error} (see 'herald serve --help')", Assert.Single(run.StderrLines));
        Assert.DoesNotContain("hunter2", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Two_sources_with_one_name_exit_two_and_say_how_to_name_them()
    {
        var run = await ServeAsync("--sagas", "sqlite:a/app.db", "--sagas", "sqlite:b/app.db");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("error: --sagas: two sources are named 'app'; name one of them, e.g. --sagas app-2=sqlite:PATH (see 'herald serve --help')", Assert.Single(run.StderrLines));
    }

    /// <summary>
    /// Runs <c>herald serve</c> on free ports; should the value be accepted after all, the server stops after 30 s and the
    /// test fails on the exit code instead of hanging.
    /// </summary>
    private static async Task<CliRun> ServeAsync(params string[] args)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var data = Path.Combine(Path.GetTempPath(), "herald-tests", Guid.NewGuid().ToString("N"));
        return await CliRun.RunAsync(["serve", "--kafka", "127.0.0.1:0", "--registry", "127.0.0.1:0", "--http", "127.0.0.1:0", "--data", data, .. args], cancellationToken: bounded.Token);
    }

    private static HeraldServerOptions Map(params string[] args)
    {
        var command = new ServeCommand(new CliConsole(TextReader.Null, TextWriter.Null, TextWriter.Null));
        var result = command.Parse(args);
        Assert.Empty(result.Errors);
        return command.ToServerOptions(result);
    }
}
