using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Herald.PostgreSql.Sagas;
using Herald.Sagas;
using Herald.WebConsole.Sagas;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Cli;

/// <summary>
/// <c>herald serve --sagas [NAME=]sqlite:PATH</c> or <c>--sagas [NAME=]postgres:CONNSTR</c>, repeatable: the service
/// databases whose saga instances the console's Sagas pages and <c>/api/v1/sagas</c> show.
/// </summary>
internal static partial class SagaSourceOption
{
    private const string Usage = "use sqlite:PATH or postgres:CONNSTR, optionally with NAME= in front";

    public static Option<IReadOnlyList<SagaSourceSpec>> Create() => new("--sagas")
    {
        Description = "A service database whose saga instances the console shows, repeatable: sqlite:PATH or postgres:\"CONNSTR\", "
            + "named after the file or database unless written NAME=sqlite:PATH. Opened read-only",
        HelpName = "[NAME=]sqlite:PATH|postgres:CONNSTR",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
        CustomParser = Parse,
    };

    private static IReadOnlyList<SagaSourceSpec> Parse(ArgumentResult result)
    {
        var specs = new List<SagaSourceSpec>();
        foreach (var token in result.Tokens)
        {
            if (!TryParse(token.Value, out var spec, out var error))
            {
                result.AddError($"--sagas: {error}");
                return [];
            }

            if (specs.Find(s => string.Equals(s.Name, spec.Name, StringComparison.OrdinalIgnoreCase)) is { } same)
            {
                result.AddError($"--sagas: two sources are named '{spec.Name}'; name one of them, e.g. --sagas {spec.Name}-2={spec.Kind}:{(spec.Kind == "sqlite" ? "PATH" : "CONNSTR")}");
                return [];
            }

            specs.Add(spec);
        }

        return specs;
    }

    /// <summary>Reads one <c>--sagas</c> value; <paramref name="error"/> says what is wrong without echoing a connection string.</summary>
    internal static bool TryParse(string value, out SagaSourceSpec spec, out string error)
    {
        spec = null!;
        var text = value.Trim();
        string? name = null;
        if (!HasKind(text))
        {
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !HasKind(text[(equals + 1)..]))
            {
                error = $"'{Shorten(text)}' is not a saga source; {Usage}";
                return false;
            }

            name = text[..equals].Trim();
            text = text[(equals + 1)..].Trim();
            if (!SourceName().IsMatch(name))
            {
                error = $"'{name}' is not a source name; use letters, digits, '.', '_' and '-' (at most 64)";
                return false;
            }
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = text[..colon].ToLowerInvariant() == "sqlite" ? "sqlite" : "postgres";
        var target = text[(colon + 1)..].Trim();
        if (target.Length == 0)
        {
            error = kind == "sqlite" ? "sqlite: needs the database file's path, e.g. sqlite:/srv/shop/app.db" : "postgres: needs a connection string, e.g. postgres:\"Host=db;Database=shop\"";
            return false;
        }

        if (kind == "sqlite")
        {
            spec = new SagaSourceSpec(name ?? Derive(Path.GetFileNameWithoutExtension(target)), kind, target);
            error = "";
            return true;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(target);
        }
        catch (ArgumentException e)
        {
            // The connection string may hold a password: name the problem, not the value.
            error = $"the value after postgres: is not a PostgreSQL connection string ({e.Message.Split('\n', 2)[0].Trim()})";
            return false;
        }

        spec = new SagaSourceSpec(name ?? Derive(builder.Database ?? builder.Username ?? "postgres"), kind, target);
        error = "";
        return true;
    }

    private static bool HasKind(string text) =>
        text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase);

    /// <summary>A source name from a file or database name: anything outside the allowed characters becomes '-'.</summary>
    private static string Derive(string raw)
    {
        var name = NotAllowed().Replace(raw, "-").Trim('-', '.', '_');
        return name.Length == 0 ? "sagas" : name[..Math.Min(64, name.Length)];
    }

    // A value with '=' but no kind might be a bare connection string with a password; show only its start.
    private static string Shorten(string text) => text.Contains(';', StringComparison.Ordinal) ? text[..Math.Min(text.Length, 12)] + "…" : text;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SourceName();

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex NotAllowed();
}

/// <summary>One parsed <c>--sagas</c> value: the source's name, <c>sqlite</c> or <c>postgres</c>, and the file or connection string.</summary>
internal sealed record SagaSourceSpec(string Name, string Kind, string Target)
{
    /// <summary>
    /// Opens the saga tables read-only: a SQLite file with <c>Mode=ReadOnly</c>, PostgreSQL sessions with
    /// <c>default_transaction_read_only</c>. Nothing is read until a page asks, so a database that is not there yet shows
    /// as an error on the page instead of stopping the server.
    /// </summary>
    public SagaSource Open()
    {
        if (Kind == "sqlite")
        {
            var path = Path.GetFullPath(Target);
            var sqlite = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ConnectionString;
            return new SagaSource(Name, new SqliteSagaStore(sqlite)) { Description = "SQLite " + path };
        }

        var builder = new NpgsqlConnectionStringBuilder(Target);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c default_transaction_read_only=on" : builder.Options + " -c default_transaction_read_only=on";
        var where = $"{builder.Host ?? "localhost"}:{builder.Port}/{builder.Database ?? builder.Username ?? "postgres"}";
        return new SagaSource(Name, new PostgreSqlSagaStore(builder.ConnectionString)) { Description = "PostgreSQL " + where };
    }
}
