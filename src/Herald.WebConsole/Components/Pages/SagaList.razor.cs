using Herald.Sagas;
using Herald.WebConsole.Sagas;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace Herald.WebConsole.Components.Pages;

/// <summary>
/// <c>/sagas</c>: the instances of every configured saga source — counts per type and step, then the instances with
/// the stuck ones (no state change for <c>stuck_for</c>, 5 min by default) first. Completed instances only when asked.
/// </summary>
public sealed partial class SagaList
{
    /// <summary>The most instances the table shows.</summary>
    public const int MaxRows = 500;

    /// <summary>The most instances read from one source, stalest first, for the counts and the table.</summary>
    public const int ScanPerSource = 5000;

    /// <summary>How long without a state change makes a running instance stuck when the form does not say.</summary>
    public static readonly TimeSpan DefaultStuckFor = TimeSpan.FromMinutes(5);

    private readonly List<string> _problems = [];
    private IReadOnlyList<SagaSourceResult> _results = [];
    private List<SagaRow> _rows = [];
    private List<StateCount> _counts = [];
    private TimeSpan _stuckFor = DefaultStuckFor;
    private DateTimeOffset _now;
    private int _stuck;
    private int _running;
    private int _completed;

    /// <summary>Only this source (its name); default every source.</summary>
    [SupplyParameterFromQuery(Name = "source")]
    public string? Source { get; set; }

    /// <summary>Only this saga type.</summary>
    [SupplyParameterFromQuery(Name = "type")]
    public string? Type { get; set; }

    /// <summary>Only instances in this step.</summary>
    [SupplyParameterFromQuery(Name = "step")]
    public string? Step { get; set; }

    /// <summary>How long without a state change makes a running instance stuck, e.g. <c>5m</c>.</summary>
    [SupplyParameterFromQuery(Name = "stuck_for")]
    public string? StuckFor { get; set; }

    /// <summary>Show stuck instances only.</summary>
    [SupplyParameterFromQuery(Name = "only_stuck")]
    public bool OnlyStuck { get; set; }

    /// <summary>Show completed instances too.</summary>
    [SupplyParameterFromQuery(Name = "completed")]
    public bool ShowCompleted { get; set; }

    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    [Inject]
    private SagaReader Reader { get; set; } = null!;

    private string StuckForText => SagaDuration.Format(_stuckFor);

    private bool Scanned => _results.Any(r => r.Error is null && r.Total > r.Items.Count);

    protected override async Task OnInitializedAsync()
    {
        _now = DateTimeOffset.UtcNow;
        if (Reader.Sources.Count == 0)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(StuckFor))
        {
            if (SagaDuration.TryParse(StuckFor, out var stuckFor))
            {
                _stuckFor = stuckFor;
            }
            else
            {
                _problems.Add($"“{StuckFor}” is not a duration ({SagaDuration.Expected}); showing instances stuck for {SagaFormat.Age(DefaultStuckFor)}.");
            }
        }

        IReadOnlyList<SagaSource> sources = Reader.Sources;
        if (!string.IsNullOrEmpty(Source))
        {
            if (Reader.Find(Source) is { } one)
            {
                sources = [one];
            }
            else
            {
                _problems.Add($"There is no saga source named “{Source}”; showing every source.");
                Source = null;
            }
        }

        var filter = new SagaFilter
        {
            Type = Blank(Type),
            Step = Blank(Step),
            StuckFor = OnlyStuck ? _stuckFor : null,
            IncludeCompleted = ShowCompleted,
        };
        _results = await Reader.ReadAsync(sources, filter, ScanPerSource, HttpContext?.RequestAborted ?? CancellationToken.None);

        var all = SagaReader.StalestFirst(_results).ToList();
        _stuck = all.Count(IsStuck);
        _completed = all.Count(r => r.Summary.IsCompleted);
        _running = all.Count - _completed;

        // Stuck ones first (stalest first), then the rest of the running ones, then the most recently completed.
        _rows =
        [
            .. all.Where(IsStuck)
                .Concat(all.Where(r => !r.Summary.IsCompleted && !IsStuck(r)))
                .Concat(all.Where(r => r.Summary.IsCompleted).OrderByDescending(r => r.Summary.CompletedAt))
                .Take(MaxRows),
        ];
        _counts =
        [
            .. all.GroupBy(r => (Source: r.Source.Name, r.Summary.Type, r.Summary.Step))
                .Select(g => new StateCount(g.Key.Source, g.Key.Type, g.Key.Step, g.Count(), g.Count(IsStuck), g.First().Summary.IsCompleted))
                .OrderBy(c => c.Completed)
                .ThenByDescending(c => c.Stuck)
                .ThenBy(c => c.Source, StringComparer.Ordinal)
                .ThenBy(c => c.Type, StringComparer.Ordinal)
                .ThenBy(c => c.Step, StringComparer.Ordinal),
        ];
    }

    private bool IsStuck(SagaRow row) => !row.Summary.IsCompleted && _now - row.Summary.UpdatedAt >= _stuckFor;

    /// <summary>This page with other filters; the stuck threshold and the completed toggle carry over.</summary>
    private string Link(string? source, string? type, string? step)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("source", source);
        Add("type", type);
        Add("step", step);
        Add("stuck_for", _stuckFor == DefaultStuckFor ? null : StuckForText);
        Add("completed", ShowCompleted ? "true" : null);
        return query.Count == 0 ? "/sagas" : "/sagas?" + string.Join('&', query);
    }

    private static string InstanceLink(SagaRow row) =>
        $"/sagas/{Uri.EscapeDataString(row.Source.Name)}/{Uri.EscapeDataString(row.Summary.Type)}/{Uri.EscapeDataString(row.Summary.Id)}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>One line of "instances by state".</summary>
    private sealed record StateCount(string Source, string Type, string Step, int Count, int Stuck, bool Completed);
}
