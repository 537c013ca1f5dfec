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
/// <remarks>
/// An unknown source or instance, and a source that cannot be read, answer 200 with the reason on the page, as the
/// schema page does for an unknown subject: static rendering answers a 404 set by a component with an empty body.
/// <c>/api/v1/sagas/...</c> answers 404 and 503.
/// </remarks>
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
    }

    private string ListLink(bool withType) =>
        "/sagas?source=" + Uri.EscapeDataString(SourceName) + (withType ? "&type=" + Uri.EscapeDataString(SagaType) : "") + "&completed=true";
}
