using System.CommandLine;
using System.Data.Common;
using Herald.PostgreSql.Sagas;
using Herald.Sagas;
using Microsoft.Data.Sqlite;

namespace Herald.Cli;

/// <summary>The <c>--sqlite FILE | --postgres "CONNSTR"</c> pair of <c>herald sagas</c>: the service's database with the saga tables.</summary>
internal sealed class SagaStoreLocation
{
    public Option<string?> Sqlite { get; } = new("--sqlite") { Description = "The service's SQLite database (the one its inbox and sagas use)", HelpName = "FILE" };

    public Option<string?> Postgres { get; } = new("--postgres") { Description = "The service's PostgreSQL connection string", HelpName = "CONNSTR" };

    /// <summary>Opens the saga tables the command line names; SQLite files are opened read-only.</summary>
    /// <exception cref="CliException">Neither or both options, or a SQLite file that does not exist (exit 2).</exception>
    public ISagaQuery Open(ParseResult result)
    {
        var file = result.GetValue(Sqlite);
        var connectionString = result.GetValue(Postgres);
        if (string.IsNullOrWhiteSpace(file) == string.IsNullOrWhiteSpace(connectionString))
        {
            throw CliException.BadInput(string.IsNullOrWhiteSpace(file)
                ? "name the database with --sqlite FILE or --postgres \"CONNSTR\""
                : "give either --sqlite or --postgres, not both");
        }

        if (!string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file))
            {
                throw CliException.BadInput($"no database file at '{file}'");
            }

            return new SqliteSagaStore(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(file), Mode = SqliteOpenMode.ReadOnly }.ConnectionString);
        }

        try
        {
            return new PostgreSqlSagaStore(connectionString!);
        }
        catch (ArgumentException e)
        {
            throw CliException.BadInput($"--postgres: {e.Message}", e);
        }
    }

    /// <summary>Runs a query, turning database errors (no saga tables, unreachable server) into one-line errors.</summary>
    public async Task<T> QueryAsync<T>(ParseResult result, Func<Task<T>> query)
    {
        try
        {
            return await query().ConfigureAwait(false);
        }
        catch (DbException e)
        {
            var reason = e.Message.Split('\n', 2)[0].Trim();
            throw result.GetValue(Sqlite) is { } file
                ? CliException.BadInput($"'{file}' has no readable saga tables ({reason})", e)
                : new CliException($"cannot read the saga tables ({reason})", e);
        }
    }

    public static async Task CloseAsync(ISagaQuery store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }
}
