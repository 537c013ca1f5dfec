using Herald.Testing;
using Npgsql;

namespace Herald.Benchmarks.Outbox;

/// <summary>The private cluster's server log from a point on: what autovacuum and lock waits did during a run.</summary>
internal sealed class PostgresLog(string path, long start)
{
    public static async Task<PostgresLog> OpenAsync(PostgresCluster cluster)
    {
        // PostgresCluster starts the server with `pg_ctl -l <its folder>/postgres.log`, next to the data directory.
        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString("postgres"));
        await using var command = dataSource.CreateCommand("SELECT current_setting('data_directory')");
        var data = (string)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        var path = Path.Combine(Path.GetDirectoryName(data.TrimEnd('/'))!, "postgres.log");
        return new PostgresLog(path, File.Exists(path) ? new FileInfo(path).Length : 0);
    }

    /// <summary>Prints the lines written since <see cref="OpenAsync"/> that are about autovacuum or lock waits.</summary>
    public void LogNewLines()
    {
        if (!File.Exists(path))
        {
            OutboxCommand.Log($"no server log at {path}");
            return;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        var lines = reader.ReadToEnd().Split('\n').Where(l => l.Contains("automatic", StringComparison.Ordinal) || l.Contains("lock", StringComparison.OrdinalIgnoreCase) || l.Contains("duration:", StringComparison.Ordinal)).ToList();
        OutboxCommand.Log($"server log during the run: {lines.Count} lines about autovacuum, locks or slow statements");
        foreach (var line in lines.Take(40))
        {
            OutboxCommand.Log("  " + line);
        }
    }
}
