using System.CommandLine;
using Herald.EventStore;
using Herald.EventStore.Forwarding.Replay;
using Herald.EventStore.PostgreSql;
using Herald.EventStore.Projections;
using Herald.EventStore.Sqlite;
using Microsoft.Data.Sqlite;

namespace Herald.Cli;

/// <summary>The <c>--sqlite FILE | --postgres "CONNSTR"</c> pair shared by the commands that open an event store.</summary>
internal sealed class EventStoreLocation
{
    public Option<string?> Sqlite { get; } = new("--sqlite") { Description = "The SQLite event store file", HelpName = "FILE" };

    public Option<string?> Postgres { get; } = new("--postgres") { Description = "The PostgreSQL event store's connection string", HelpName = "CONNSTR" };

    /// <summary>Opens the store the command line names: read-only (the database refuses writes) unless <paramref name="writable"/>.</summary>
    /// <exception cref="CliException">Neither or both options, or a SQLite file that does not exist (exit 2).</exception>
    public IProjectionStore Open(ParseResult result, bool writable = false)
    {
        var (sqlite, postgres) = Resolve(result);
        try
        {
            return sqlite is not null
                ? writable ? new SqliteEventStore(sqlite) : ReadOnlyEventStore.Sqlite(sqlite)
                : writable ? new PostgreSqlEventStore(postgres!) : ReadOnlyEventStore.PostgreSql(postgres!);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput($"--postgres: {e.Message}", e);
        }
    }

    /// <summary>A replayer over the store the command line names (always read-only).</summary>
    public FeedReplayer Replayer(ParseResult result)
    {
        var (sqlite, postgres) = Resolve(result);
        try
        {
            return sqlite is not null ? FeedReplayer.ForSqlite(sqlite) : FeedReplayer.ForPostgreSql(postgres!);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput($"--postgres: {e.Message}", e);
        }
    }

    /// <summary>Exactly one of the options; the SQLite file must exist (read-only mode would refuse it anyway, less clearly).</summary>
    private (string? Sqlite, string? Postgres) Resolve(ParseResult result)
    {
        var file = result.GetValue(Sqlite);
        var connectionString = result.GetValue(Postgres);
        if (string.IsNullOrWhiteSpace(file) == string.IsNullOrWhiteSpace(connectionString))
        {
            throw CliException.BadInput(string.IsNullOrWhiteSpace(file)
                ? "name the event store with --sqlite FILE or --postgres \"CONNSTR\""
                : "give either --sqlite or --postgres, not both");
        }

        if (string.IsNullOrWhiteSpace(file))
        {
            return (null, connectionString);
        }

        if (!File.Exists(file))
        {
            throw CliException.BadInput($"no event store file at '{file}'");
        }

        return (new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(file) }.ConnectionString, null);
    }

    /// <summary>The store's head position; a store whose tables are missing or unreachable is a one-line error.</summary>
    public async Task<long> ProbeAsync(ParseResult result, IProjectionStore store, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EventStoreException e)
        {
            var reason = (e.InnerException?.Message ?? e.Message).Split('\n', 2)[0].Trim();
            throw result.GetValue(Sqlite) is { } file
                ? CliException.BadInput($"'{file}' is not a Herald event store ({reason})", e)
                : new CliException($"cannot read the event store ({reason})", e);
        }
    }

    public static async Task CloseAsync(IProjectionStore store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }
}
