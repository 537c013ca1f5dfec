using Herald.Consuming;
using Herald.Publishing;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Sdk;

/// <summary>Builds real hosts (Herald broker, SQLite inbox) for SDK tests and captures every log line they write.</summary>
public sealed class SdkHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SdkHost(IHost host, string database, CapturingLoggerProvider logs)
    {
        _host = host;
        Database = database;
        Logs = logs;
    }

    public string Database { get; }

    public CapturingLoggerProvider Logs { get; }

    public IEventPublisher Publisher => _host.Services.GetRequiredService<IEventPublisher>();

    public ConsumerMetrics Metrics => _host.Services.GetRequiredService<ConsumerMetrics>();

    public IServiceProvider Services => _host.Services;

    public static string NewDatabase() => $"Data Source={Path.Combine(TestBroker.NewDataDirectory(), "app.db")};Pooling=False";

    public static async Task<SdkHost> StartAsync(string bootstrap, Action<HeraldOptionsBuilder> configure, Action<HeraldBuilder>? consumers = null, string? database = null, bool start = true)
    {
        database ??= NewDatabase();
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        var herald = builder.Services.AddHerald(o =>
        {
            o.Bootstrap(bootstrap).ConfigureConsumer(c => c.SessionTimeoutMs = 10_000);
            if (database.StartsWith("Data Source=", StringComparison.Ordinal))
            {
                o.UseSqlite(database);
            }
            else
            {
                o.UsePostgreSql(database);
            }

            configure(o);
        });
        consumers?.Invoke(herald);
        var host = builder.Build();
        if (start)
        {
            await host.StartAsync();
        }

        return new SdkHost(host, database, logs);
    }

    public Task StartAsync() => _host.StartAsync();

    /// <summary>Runs a scalar query on the app database (the handlers' tables).</summary>
    public long Scalar(string sql)
    {
        using var connection = new SqliteConnection(Database);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> after 30 s.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
