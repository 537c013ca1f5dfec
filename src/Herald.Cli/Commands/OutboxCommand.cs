using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Herald.Outbox;
using Herald.PostgreSql;
using Microsoft.Data.Sqlite;
using Spectre.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald outbox status</c>: what an application's transactional outbox holds — backlog, dead rows, leases, cursors.</summary>
internal sealed class OutboxCommand : Command
{
    private readonly CliConsole console;

    public OutboxCommand(CliConsole console)
        : base("outbox", "Inspect an application's transactional outbox")
    {
        this.console = console;
        Subcommands.Add(CreateStatusCommand());
    }

    private Command CreateStatusCommand()
    {
        var sqlite = new Option<string?>("--sqlite") { Description = "The application's SQLite database file", HelpName = "FILE" };
        var postgres = new Option<string?>("--postgres") { Description = "The application's PostgreSQL connection string", HelpName = "CONNSTR" };
        var prefix = new Option<string>("--table-prefix") { Description = "The outbox's table prefix, if the application set one", HelpName = "PREFIX", DefaultValueFactory = _ => "" };
        var json = CommonOptions.Json("One JSON document on stdout");
        var command = new Command("status", "Show the backlog (rows waiting, the oldest one's age), the dead rows with their last error, and each relay's lease and cursor")
        {
            sqlite, postgres, prefix, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var store = Open(result.GetValue(sqlite), result.GetValue(postgres), result.GetValue(prefix)!);
            try
            {
                OutboxStatus status;
                try
                {
                    status = await store.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (DbException e)
                {
                    var reason = e.Message.Split('\n', 2)[0].Trim();
                    throw result.GetValue(sqlite) is { } file
                        ? CliException.BadInput($"'{file}' has no Herald outbox ({reason})", e)
                        : new CliException($"cannot read the outbox ({reason})", e);
                }

                var view = StatusView.Of(status);
                if (result.GetValue(json))
                {
                    CliOutput.WriteJson(console.Out, view);
                }
                else
                {
                    Write(view);
                }

                return HeraldCli.Success;
            }
            finally
            {
                if (store is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    private static IOutboxStore Open(string? file, string? connectionString, string tablePrefix)
    {
        if (string.IsNullOrWhiteSpace(file) == string.IsNullOrWhiteSpace(connectionString))
        {
            throw CliException.BadInput(string.IsNullOrWhiteSpace(file)
                ? "name the application's database with --sqlite FILE or --postgres \"CONNSTR\""
                : "give either --sqlite or --postgres, not both");
        }

        OutboxOptions options;
        try
        {
            options = OutboxOptions.Default with { TablePrefix = tablePrefix };
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput($"--table-prefix: {e.Message.Split(" (Parameter", 2)[0]}", e);
        }

        if (!string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file))
            {
                throw CliException.BadInput($"no database file at '{file}'");
            }

            return new SqliteOutboxStore(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(file), Mode = SqliteOpenMode.ReadWrite }.ConnectionString, options);
        }

        try
        {
            return new PostgreSqlOutboxStore(connectionString!, options);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput($"--postgres: {e.Message}", e);
        }
    }

    private void Write(StatusView view)
    {
        var age = view.OldestAgeSeconds is { } seconds ? $", the oldest waiting {Duration(TimeSpan.FromSeconds(seconds))}" : "";
        console.Out.WriteLine($"backlog: {Format(view.BacklogRows)} row(s){age}");
        foreach (var relay in view.Relays)
        {
            var lease = relay switch
            {
                { Owner: null } => "no lease taken",
                { LeaseHeld: true } => $"lease held by {relay.Owner} until {relay.LeaseExpiresAt:O}",
                _ => $"no lease held (last holder {relay.Owner}, expired {relay.LeaseExpiresAt:O})",
            };
            console.Out.WriteLine($"relay '{relay.Name}': {lease}; cursor {relay.Cursor ?? "none"}");
        }

        if (view.Relays.Count == 0)
        {
            console.Out.WriteLine("relay: none has run yet");
        }

        console.Out.WriteLine($"dead: {Format(view.DeadRows)} row(s)");
        if (view.Dead.Count > 0)
        {
            var table = new Table().AddColumn("Dead at").AddColumn("Event id").AddColumn("Type").AddColumn("Topic").AddColumn(new TableColumn("Attempts").RightAligned()).AddColumn("Last error");
            foreach (var row in view.Dead)
            {
                table.AddRow(row.DeadAt.ToString("O", CultureInfo.InvariantCulture), row.EventId.ToString(), Markup.Escape(row.EventType), Markup.Escape(row.Topic), Format(row.Attempts), Markup.Escape(row.LastError));
            }

            CliOutput.RenderToOut(console, table);
        }
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan age) => age.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours}h {age.Minutes:00}m")
        : string.Create(CultureInfo.InvariantCulture, $"{age.Minutes}m {age.Seconds:00}s");

    /// <summary><c>outbox status --json</c>. Dead rows leave their key out: it may be personal data.</summary>
    internal sealed record StatusView(long BacklogRows, DateTimeOffset? OldestCreatedAt, double? OldestAgeSeconds, long DeadRows, IReadOnlyList<DeadView> Dead, IReadOnlyList<RelayView> Relays, DateTimeOffset ReadAt)
    {
        public static StatusView Of(OutboxStatus status) => new(
            status.BacklogRows,
            status.OldestCreatedAt,
            status.OldestCreatedAt is null ? null : Math.Round(status.OldestAgeAt(status.ReadAt).TotalSeconds, 3),
            status.DeadRows,
            [.. status.RecentDead.Select(d => new DeadView(d.EventId, d.EventType, d.Topic, d.Attempts, d.LastError, d.CreatedAt, d.DeadAt))],
            [.. status.Relays.Select(r => new RelayView(r.Relay, r.Owner, r.LeaseExpiresAt, r.LeaseExpiresAt > status.ReadAt, r.Cursor?.ToString()))],
            status.ReadAt);
    }

    internal sealed record DeadView(Guid EventId, string EventType, string Topic, int Attempts, string LastError, DateTimeOffset CreatedAt, DateTimeOffset DeadAt);

    internal sealed record RelayView(string Name, string? Owner, DateTimeOffset? LeaseExpiresAt, bool LeaseHeld, string? Cursor);
}
