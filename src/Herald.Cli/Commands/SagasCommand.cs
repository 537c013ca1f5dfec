using System.CommandLine;
using System.Globalization;
using Herald.Sagas;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald sagas list|show</c>: where saga instances stand, and one instance's full history, read from the service's database.</summary>
internal sealed partial class SagasCommand : Command
{
    private readonly CliConsole console;

    public SagasCommand(CliConsole console)
        : base("sagas", "List saga instances (stuck ones first) and show one instance's state, timeouts and history")
    {
        this.console = console;
        Subcommands.Add(CreateListCommand());
        Subcommands.Add(CreateShowCommand());
    }

    private Command CreateListCommand()
    {
        var location = new SagaStoreLocation();
        var type = new Option<string?>("--type") { Description = "Only this saga type (its name, e.g. order-fulfilment)", HelpName = "TYPE" };
        var state = new Option<string?>("--state") { Description = "Only instances in this step (e.g. AwaitingPayment)", HelpName = "STEP" };
        var stuckFor = DurationOption.Create("--stuck-for", "Only running instances whose state has not changed for at least this long");
        var limit = new Option<int>("--limit", "-n") { Description = "Show at most N instances, stalest first", HelpName = "N", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var json = CommonOptions.Json("One JSON document on stdout: the instances and how many match in all");
        var command = new Command("list", "List saga instances, least recently changed first: type, id, step, version, when it last changed, its next timeout and the events it waits for")
        {
            type, state, stuckFor, limit, json, location.Sqlite, location.Postgres,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var filter = new SagaFilter
            {
                Type = result.GetValue(type),
                Step = result.GetValue(state),
                StuckFor = result.GetValue(stuckFor),
                Limit = Math.Min(result.GetValue(limit), 1000),
            };
            var store = location.Open(result);
            try
            {
                var page = await location.QueryAsync(result, () => store.ListAsync(filter, cancellationToken)).ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                if (result.GetValue(json))
                {
                    CliOutput.WriteJson(console.Out, new SagaListJson([.. page.Items.Select(i => SagaSummaryJson.From(i, now))], page.Total));
                }
                else if (page.Items.Count > 0)
                {
                    var table = new Table().AddColumn("Type").AddColumn("Id").AddColumn("Step").AddColumn(new TableColumn("Version").RightAligned())
                        .AddColumn("Updated").AddColumn(new TableColumn("Idle").RightAligned()).AddColumn("Next timeout").AddColumn("Waits for");
                    foreach (var item in page.Items)
                    {
                        table.AddRow(
                            Markup.Escape(item.Type),
                            Markup.Escape(item.Id),
                            Markup.Escape(item.Step) + (item.IsCompleted ? " (done)" : ""),
                            item.Version.ToString(CultureInfo.InvariantCulture),
                            Time(item.UpdatedAt),
                            item.IsCompleted ? "-" : Age(now - item.UpdatedAt),
                            item.NextTimeoutAt is { } next ? Time(next) : "-",
                            Markup.Escape(item.ExpectedEvents.Count > 0 ? string.Join(", ", item.ExpectedEvents) : "-"));
                    }

                    CliOutput.RenderToOut(console, table);
                }

                var stuck = filter.StuckFor is { } d ? $" stuck for {Age(d)} or more" : "";
                await console.Error.WriteLineAsync($"{page.Items.Count} of {page.Total} instance(s){stuck}").ConfigureAwait(false);
                return HeraldCli.Success;
            }
            finally
            {
                await SagaStoreLocation.CloseAsync(store).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A short age: 45s, 12m, 3h, 2d.</summary>
    internal static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 0 } => "0s",
        { TotalMinutes: < 1 } => $"{(int)age.TotalSeconds}s",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes}m",
        { TotalDays: < 1 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };
}
