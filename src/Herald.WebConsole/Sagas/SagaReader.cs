using System.Data.Common;
using System.Net.Sockets;
using Herald.Sagas;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Herald.WebConsole.Sagas;

/// <summary>
/// Reads the configured saga sources for the Sagas pages and <c>/api/v1/sagas</c>: every source at once, each within
/// <see cref="ConsoleOptions.SagaQueryTimeout"/>, and a source that fails becomes a one-line error next to the others'
/// results instead of failing the page.
/// </summary>
internal sealed partial class SagaReader(ConsoleOptions options, ILogger<SagaReader> logger)
{
    /// <summary>The most instances one <see cref="ISagaQuery.ListAsync"/> call returns.</summary>
    private const int StorePage = 1000;

    public IReadOnlyList<SagaSource> Sources => options.Sagas;

    public SagaSource? Find(string name) => Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>Reads up to <paramref name="want"/> instances matching <paramref name="filter"/> (from its offset) from each source, all sources at once.</summary>
    public async Task<IReadOnlyList<SagaSourceResult>> ReadAsync(IEnumerable<SagaSource> sources, SagaFilter filter, int want, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return await Task.WhenAll(sources.Select(s => ReadOneAsync(s, filter, want, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>One instance with its history and timeouts.</summary>
    public async Task<SagaLookup> GetAsync(SagaSource source, string type, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.SagaQueryTimeout);
        try
        {
            return new SagaLookup(await source.Query.GetAsync(type, id, timeout.Token).ConfigureAwait(false), null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new SagaLookup(null, Failed(source, e));
        }
    }

    /// <summary>Every row of <paramref name="results"/>, least recently changed first (ties by source, type and id, so pages are stable).</summary>
    public static IEnumerable<SagaRow> StalestFirst(IEnumerable<SagaSourceResult> results) => results
        .SelectMany(r => r.Items.Select(s => new SagaRow(r.Source, s)))
        .OrderBy(r => r.Summary.UpdatedAt)
        .ThenBy(r => r.Source.Name, StringComparer.Ordinal)
        .ThenBy(r => r.Summary.Type, StringComparer.Ordinal)
        .ThenBy(r => r.Summary.Id, StringComparer.Ordinal);

    private async Task<SagaSourceResult> ReadOneAsync(SagaSource source, SagaFilter filter, int want, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.SagaQueryTimeout);
        var items = new List<SagaSummary>();
        try
        {
            var total = 0;
            while (items.Count < want)
            {
                var limit = Math.Min(StorePage, want - items.Count);
                var page = await source.Query.ListAsync(filter with { Offset = filter.Offset + items.Count, Limit = limit }, timeout.Token).ConfigureAwait(false);
                items.AddRange(page.Items);
                total = page.Total;
                if (page.Items.Count < limit)
                {
                    break;
                }
            }

            return new SagaSourceResult(source, items, total, null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new SagaSourceResult(source, [], 0, Failed(source, e));
        }
    }

    private string Failed(SagaSource source, Exception exception)
    {
        var reason = Explain(exception, options.SagaQueryTimeout);
        LogSourceFailed(logger, source.Name, reason, exception);
        return reason;
    }

    /// <summary>A database failure in one line that says what to check.</summary>
    internal static string Explain(Exception exception, TimeSpan timeout)
    {
        switch (exception)
        {
            case OperationCanceledException:
                return $"no answer within {SagaDuration.Format(timeout)}: is the database reachable?";
            case DbException e when e.SqlState == "42P01" || e.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase):
                return $"no saga tables here ({FirstLine(e.Message)}): point --sagas at the database the service's inbox and sagas use, after the service has started once";
            case SqliteException { SqliteErrorCode: 14 }:
                return "cannot open the database file: it does not exist, or this process may not read it";
        }

        var text = FirstLine(exception.Message);
        var inner = exception.InnerException;
        while (inner is not null && inner is not SocketException && inner is not TimeoutException)
        {
            inner = inner.InnerException;
        }

        return inner is null ? text : $"{text} ({FirstLine(inner.Message)})";
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Saga source {Source} could not be read: {Reason}")]
    private static partial void LogSourceFailed(ILogger logger, string source, string reason, Exception exception);
}
