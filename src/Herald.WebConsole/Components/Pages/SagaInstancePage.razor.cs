using Herald.Sagas;
using Herald.WebConsole.Groups;
using Herald.WebConsole.Sagas;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace Herald.WebConsole.Components.Pages;

/// <summary>
/// <c>/sagas/{source}/{type}/{id}</c>: one instance — where it stands, its data, its timeline (event in, state change,
/// events out per history entry, compensation marked), its forward and compensation steps, and its timeouts.
/// </summary>
public sealed partial class SagaInstancePage
{
    private SagaSource? _source;
    private SagaLookup? _lookup;
    private DateTimeOffset _now;

    /// <summary>The source's name from the URL.</summary>
    [Parameter]
    public string Source { get; set; } = "";

    /// <summary>The saga type from the URL.</summary>
    [Parameter]
    public string Type { get; set; } = "";

    /// <summary>The instance id from the URL.</summary>
    [Parameter]
    public string Id { get; set; } = "";

    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    [Inject]
    private SagaReader Reader { get; set; } = null!;

    // Kestrel leaves %2F encoded in a path segment, so an id with a slash arrives still encoded.
    private string SourceName => RouteValues.Decode(Source);

    private string SagaType => RouteValues.Decode(Type);

    private string SagaId => RouteValues.Decode(Id);

    private SagaInstance? Instance => _lookup?.Instance;

    protected override async Task OnInitializedAsync()
    {
        _now = DateTimeOffset.UtcNow;
        _source = Reader.Find(SourceName);
        if (_source is not null)
        {
            _lookup = await Reader.GetAsync(_source, SagaType, SagaId, HttpContext?.RequestAborted ?? CancellationToken.None);
        }

        // An unknown source or instance is a 404, as in the API; a source that cannot be read answers 200 with the
        // error on the page (a 5xx would hide it behind the browser's error page).
        if ((_source is null || _lookup is { Instance: null, Error: null }) && HttpContext is { Response.HasStarted: false })
        {
            HttpContext.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    private string ListLink(bool withType) =>
        "/sagas?source=" + Uri.EscapeDataString(SourceName) + (withType ? "&type=" + Uri.EscapeDataString(SagaType) : "") + "&completed=true";
}
