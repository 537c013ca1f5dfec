using Microsoft.Data.Sqlite;

namespace Herald.Testing;

/// <summary>A SQLite database file in its own temporary folder, for the SQLite halves of the compliance suites.</summary>
public sealed class TempSqliteFile
{
    private readonly string _directory;

    public TempSqliteFile(string prefix, string fileName)
    {
        _directory = Path.Combine(Path.GetTempPath(), "herald-tests", $"{prefix}-{Guid.NewGuid():N}");
        ConnectionString = $"Data Source={Path.Combine(_directory, fileName)}";
    }

    public string ConnectionString { get; }

    public void Create() => Directory.CreateDirectory(_directory);

    /// <summary>Closes pooled connections (SQLite keeps the file open otherwise) and deletes the folder.</summary>
    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
