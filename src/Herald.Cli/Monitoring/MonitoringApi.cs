using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Herald.Broker.Monitoring;

namespace Herald.Cli.Monitoring;

/// <summary>
/// Reads consumer lag from <c>herald serve</c>'s HTTP listener (<c>/api/v1/groups</c>), the same broker-side computation
/// <c>/metrics</c> and the console show, so the three cannot disagree.
/// </summary>
internal sealed class MonitoringApi : IDisposable
{
    /// <summary>The bound on one request.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The API's JSON: snake_case names over the broker's own records.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly HttpClient http;

    private MonitoringApi(Uri baseAddress)
    {
        BaseAddress = baseAddress;
        http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The listener's base URL, without a trailing slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for <paramref name="url"/> (<c>--http</c>); an <c>http://</c> or <c>https://</c> URL or a one-line error.</summary>
    public static MonitoringApi Create(string url)
    {
        if (!Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw new CliException($"invalid --http URL '{url}': expected http://HOST:PORT, e.g. {CommonOptions.DefaultHttp}");
        }

        return new MonitoringApi(uri);
    }

    /// <summary>Every consumer group with committed offsets or members, and when the broker computed their lag.</summary>
    public async Task<GroupsReport> GetGroupsAsync(CancellationToken cancellationToken) =>
        await GetAsync<GroupsReport>("/api/v1/groups", cancellationToken).ConfigureAwait(false);

    /// <summary>One group's lag; <c>consumer group 'x' does not exist</c> (the server's words) when it does not.</summary>
    public async Task<GroupLag> GetGroupAsync(string group, CancellationToken cancellationToken) =>
        await GetAsync<GroupLag>($"/api/v1/groups/{Uri.EscapeDataString(group)}", cancellationToken).ConfigureAwait(false);

    public void Dispose() => http.Dispose();

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
        where T : class
    {
        var url = new Uri(Display + path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw await DescribeFailureAsync(url, response, timeout.Token).ConfigureAwait(false);
            }

            return await response.Content.ReadFromJsonAsync<T>(Json, timeout.Token).ConfigureAwait(false)
                ?? throw NotTheLagApi(url, "the answer was null");
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach Herald's HTTP listener at {Display}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"cannot reach Herald's HTTP listener at {Display} (no answer in {RequestTimeout.TotalSeconds:0} s)", e);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw NotTheLagApi(url, e.Message.Split('\n', 2)[0].Trim());
        }
    }

    private string Display => BaseAddress.AbsoluteUri.TrimEnd('/');

    private CliException NotTheLagApi(Uri url, string detail) =>
        new($"{url} did not answer with Herald's lag API ({detail}); is --http {Display} a `herald serve` HTTP listener?");

    private async Task<CliException> DescribeFailureAsync(Uri url, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? error = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var value) && value.ValueKind == JsonValueKind.String)
            {
                error = value.GetString();
            }
        }
        catch (JsonException)
        {
        }

        if (!string.IsNullOrWhiteSpace(error))
        {
            return new CliException(error);
        }

        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        return response.StatusCode == HttpStatusCode.NotFound
            ? NotTheLagApi(url, status)
            : new CliException($"{url} answered {status}");
    }
}

/// <summary>The answer of <c>GET /api/v1/groups</c>.</summary>
/// <param name="GeneratedAt">When the broker computed the lag.</param>
/// <param name="Groups">Every group with committed offsets or members.</param>
internal sealed record GroupsReport(DateTimeOffset GeneratedAt, IReadOnlyList<GroupLag> Groups);
