using System.Diagnostics;

namespace Herald.Benchmarks.Metrics;

/// <summary>
/// What Prometheus does to the broker: <c>GET /metrics</c> at once and then every interval, one at a time, reading
/// the whole answer. Keeps each scrape's wall time.
/// </summary>
public sealed class BackgroundScraper : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<double> _samples = [];
    private readonly Task _loop;
    private int _failures;
    private string? _firstFailure;

    /// <summary>Starts scraping <paramref name="address"/><c>/metrics</c> every <paramref name="interval"/>.</summary>
    public BackgroundScraper(Uri address, TimeSpan interval)
    {
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        _loop = Task.Run(() => LoopAsync(interval));
    }

    /// <summary>Stops scraping and returns the completed scrapes' wall times, and how many failed.</summary>
    public async Task<(Distribution Scrapes, int Failures, string? FirstFailure)> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return (Distribution.Of(_samples), _failures, _firstFailure);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await _http.GetAsync(new Uri("/metrics", UriKind.Relative), _stop.Token).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                _ = await response.Content.ReadAsByteArrayAsync(_stop.Token).ConfigureAwait(false);
                _samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (HttpRequestException e)
            {
                _firstFailure ??= e.Message;
                _failures++;
            }
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
    }
}
