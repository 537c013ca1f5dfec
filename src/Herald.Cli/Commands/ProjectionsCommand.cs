using System.CommandLine;
using System.Globalization;
using Herald.EventStore.Projections;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald projections status|resume</c>: where async projections and forwarders stand, and restarting a paused one.</summary>
internal sealed class ProjectionsCommand : Command
{
    private readonly CliConsole console;

    public ProjectionsCommand(CliConsole console)
        : base("projections", "Show the checkpoints of async projections and forwarders, and resume paused ones")
    {
        this.console = console;
        Subcommands.Add(CreateStatusCommand());
        Subcommands.Add(CreateResumeCommand());
    }

    private Command CreateStatusCommand()
    {
        var store = new EventStoreLocation();
        var json = CommonOptions.Json("One JSON array of checkpoints on stdout");
        var command = new Command("status", "List every checkpoint (projections and forwarders): position, the feed's head, lag, state and error; reads the store read-only")
        {
            store.Sqlite, store.Postgres, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var source = store.Open(result);
            try
            {
                var head = await store.ProbeAsync(result, source, cancellationToken).ConfigureAwait(false);
                var checkpoints = await new Checkpoints(source).ListAsync(cancellationToken).ConfigureAwait(false);
                var rows = checkpoints
                    .Select(c => new CheckpointRow(c.Name, c.Position, head, Math.Max(0, head - c.Position), c.State == ProjectionState.Paused ? "paused" : "running", c.Error, c.FailedPosition))
                    .ToList();
                if (result.GetValue(json))
                {
                    CliOutput.WriteJson(console.Out, rows);
                }
                else if (rows.Count > 0)
                {
                    var table = new Table().AddColumn("Name").AddColumn(new TableColumn("Position").RightAligned()).AddColumn(new TableColumn("Head").RightAligned())
                        .AddColumn(new TableColumn("Lag").RightAligned()).AddColumn("State").AddColumn("Error");
                    foreach (var row in rows)
                    {
                        table.AddRow(Markup.Escape(row.Name), Format(row.Position), Format(row.Head), Format(row.Lag), row.State, Markup.Escape(row.Error ?? "-"));
                    }

                    CliOutput.RenderToOut(console, table);
                }

                var paused = rows.Count(r => r.State == "paused");
                await console.Error.WriteLineAsync($"{Format(rows.Count)} checkpoint(s), {Format(paused)} paused; head at position {Format(head)}").ConfigureAwait(false);
                return HeraldCli.Success;
            }
            finally
            {
                await EventStoreLocation.CloseAsync(source).ConfigureAwait(false);
            }
        });
        return command;
    }

    private Command CreateResumeCommand()
    {
        var store = new EventStoreLocation();
        var name = new Argument<string>("name") { Description = "The projection's (or forwarder's) checkpoint name, as 'projections status' lists it" };
        var command = new Command("resume", "Clear a projection's pause so its daemon applies events again from its checkpoint (after the fix is deployed)")
        {
            name, store.Sqlite, store.Postgres,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var projection = result.GetValue(name)!;
            var target = store.Open(result, writable: true);
            try
            {
                await store.ProbeAsync(result, target, cancellationToken).ConfigureAwait(false);
                var checkpoints = new Checkpoints(target);
                var current = (await checkpoints.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.Name == projection)
                    ?? throw new CliException($"no checkpoint named '{projection}' (see 'herald projections status')");
                if (current.State != ProjectionState.Paused)
                {
                    await console.Error.WriteLineAsync($"'{projection}' is not paused (at position {Format(current.Position)}); nothing to resume").ConfigureAwait(false);
                    return HeraldCli.Success;
                }

                await checkpoints.ResumeAsync(projection, cancellationToken).ConfigureAwait(false);
                await console.Error.WriteLineAsync(
                    $"resumed '{projection}' at position {Format(current.Position)}; its daemon retries position {Format(current.FailedPosition ?? current.Position + 1)} next").ConfigureAwait(false);
                return HeraldCli.Success;
            }
            finally
            {
                await EventStoreLocation.CloseAsync(target).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One row of <c>projections status --json</c>.</summary>
    internal sealed record CheckpointRow(string Name, long Position, long Head, long Lag, string State, string? Error, long? FailedPosition);
}
