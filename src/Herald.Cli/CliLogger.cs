using Microsoft.Extensions.Logging;

namespace Herald.Cli;

/// <summary>Writes library log messages as <c>info:</c>/<c>warning:</c> lines on stderr, keeping stdout for data and ready lines.</summary>
internal sealed class CliLogger<T>(TextWriter error) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var label = logLevel >= LogLevel.Error ? "error" : logLevel == LogLevel.Warning ? "warning" : "info";
        lock (error)
        {
            error.WriteLine($"{label}: {formatter(state, exception)}");
            error.Flush();
        }
    }
}
