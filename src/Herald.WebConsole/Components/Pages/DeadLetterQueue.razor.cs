using Herald.Broker;
using Herald.Broker.Monitoring;
using Herald.DeadLetters;
using Herald.WebConsole.Audit;
using Herald.WebConsole.DeadLetters;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace Herald.WebConsole.Components.Pages;

/// <summary>
/// <c>/dlq/{topic}</c>: one dead-letter topic's dead letters, newest first, with redrive and discard (single, selected
/// or all waiting; several are previewed first), each needing a reason.
/// </summary>
public sealed partial class DeadLetterQueue
{
    /// <summary>Dead letters per page.</summary>
    public const int PageSize = 50;

    private const string FormName = "dlq-actions";

    private DeadLetterQueueState? _state;
    private int _partitions;
    private DeadLetterPage _page = new([], null, 0, 0);
    private DeadLetterPlan? _preview;
    private string? _reason;
    private string? _error;
    private bool _reasonInvalid;
    private HashSet<string> _checked = [];

    /// <summary>The dead-letter topic, e.g. <c>orders.dlq</c>.</summary>
    [Parameter]
    public string Topic { get; set; } = string.Empty;

    /// <summary>Which partition to list (default 0).</summary>
    [SupplyParameterFromQuery(Name = "partition")]
    public int? Partition { get; set; }

    /// <summary>List dead letters with offsets below this one (the "older" link).</summary>
    [SupplyParameterFromQuery(Name = "before")]
    public long? Before { get; set; }

    /// <summary>Show redriven and discarded dead letters too.</summary>
    [SupplyParameterFromQuery(Name = "resolved")]
    public bool ShowResolved { get; set; }

    /// <summary>After a redirect: <c>redrive</c> or <c>discard</c> succeeded.</summary>
    [SupplyParameterFromQuery(Name = "done")]
    public string? Done { get; set; }

    /// <summary>After a redirect: how many were redriven or discarded.</summary>
    [SupplyParameterFromQuery(Name = "count")]
    public int? DoneCount { get; set; }

    /// <summary>After a redirect: how many were skipped as already resolved.</summary>
    [SupplyParameterFromQuery(Name = "skipped")]
    public int? DoneSkipped { get; set; }

    /// <summary>After a redirect: where the audit record landed (<c>partition:offset</c> of herald.audit).</summary>
    [SupplyParameterFromQuery(Name = "audit")]
    public string? DoneAudit { get; set; }

    [CascadingParameter]
    private HttpContext? HttpContext { get; set; }

    [Inject]
    private KafkaBroker Broker { get; set; } = null!;

    [Inject]
    private DeadLetterBrowser Browser { get; set; } = null!;

    [Inject]
    private DeadLetterActions Actions { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    private string SourceTopic => DeadLetterMonitor.SourceTopicOf(Topic) ?? Topic;

    private int CurrentPartition => Math.Clamp(Partition ?? 0, 0, Math.Max(0, _partitions - 1));

    private string Who => ConsoleActor.Of(HttpContext);

    private string TopicPath => "/dlq/" + Uri.EscapeDataString(Topic);

    protected override void OnInitialized()
    {
        _state = Broker.DeadLetters.GetAll().FirstOrDefault(q => q.Topic == Topic);
        if (DeadLetterMonitor.SourceTopicOf(Topic) is null)
        {
            // Like `herald dlq list orders`: the original topic's name means its dead-letter topic.
            Navigation.NavigateTo("/dlq/" + Uri.EscapeDataString(DeadLetterHeaders.TopicFor(Topic)));
            return;
        }

        _partitions = Browser.PartitionCount(Topic) ?? 0;
        if (_partitions == 0)
        {
            return;
        }

        _page = Browser.ReadPage(Topic, CurrentPartition, Before, PageSize, ShowResolved);
    }

    private async Task SubmitAsync()
    {
        var form = await HttpContext!.Request.ReadFormAsync();
        var action = form["action"].ToString();
        var selected = form["selected"].Where(v => v is not null).Select(v => v!).ToList();
        _checked = [.. selected];
        _reason = form["reason"].ToString();
        if (_partitions == 0)
        {
            return;
        }

        var verb = action.Contains("discard", StringComparison.Ordinal) ? DeadLetterVerb.Discard : DeadLetterVerb.Redrive;
        if (action is not ("redrive" or "discard" or "redrive-all" or "discard-all" or "confirm-redrive" or "confirm-discard"))
        {
            Refuse("Choose redrive or discard.");
            return;
        }

        // The server decides, whatever the browser let through: no reason, nothing produced and nothing audited.
        var reason = DeadLetterAudit.NormalizeReason(_reason);
        if (reason is null)
        {
            _reasonInvalid = true;
            Refuse($"Write why you {(verb == DeadLetterVerb.Redrive ? "redrive" : "discard")}: the reason is required and goes to the audit log. Nothing was changed.");
            return;
        }

        var addresses = new List<DeadLetterAddress>();
        foreach (var value in selected)
        {
            if (!DeadLetterAddress.TryParse(value, out var address))
            {
                Refuse("The selection is malformed; reload the page. Nothing was changed.");
                return;
            }

            addresses.Add(address);
        }

        if (action is "redrive-all" or "discard-all")
        {
            _preview = Actions.Preview(Topic, verb, null);
            return;
        }

        if (addresses.Count == 0)
        {
            Refuse($"Select at least one dead letter, or preview {(verb == DeadLetterVerb.Redrive ? "redriving" : "discarding")} all waiting ones. Nothing was changed.");
            return;
        }

        if (addresses.Count > 1 && action is ("redrive" or "discard"))
        {
            _preview = Actions.Preview(Topic, verb, addresses);
            return;
        }

        var outcome = await Actions.ExecuteAsync(Topic, verb, addresses, reason, Who, HttpContext.RequestAborted);
        if (outcome.Done.Count == 0)
        {
            Refuse(outcome.Error ?? "Nothing was done.");
            return;
        }

        if (outcome.Error is not null)
        {
            // Partly done: say what was done and why it stopped, on this page (no redirect that would hide the error).
            Refuse($"{Describe(verb, outcome.Done.Count, outcome.Skipped.Count)} Then: {outcome.Error}", StatusCodes.Status502BadGateway);
            return;
        }

        var audit = outcome.Audit is { } where ? $"{where.Partition.Value}:{where.Offset.Value}" : string.Empty;
        Navigation.NavigateTo(
            $"{TopicPath}?done={(verb == DeadLetterVerb.Redrive ? "redrive" : "discard")}&count={outcome.Done.Count}&skipped={outcome.Skipped.Count}&audit={Uri.EscapeDataString(audit)}");
    }

    /// <summary>
    /// Shows why nothing was done, on the re-rendered form. Refusals answer 200, not 400 or 409: a browser reports any
    /// 4xx page as a console error, and the form with the message is the answer a person needs.
    /// </summary>
    private void Refuse(string message, int status = StatusCodes.Status200OK)
    {
        _error = message;
        SetStatus(status);
    }

    private void SetStatus(int status)
    {
        if (HttpContext is { Response.HasStarted: false } context)
        {
            context.Response.StatusCode = status;
        }
    }

    private static string Describe(DeadLetterVerb verb, int count, int skipped)
    {
        var done = verb == DeadLetterVerb.Redrive ? $"Redrove {count} dead letter(s) to their original topic." : $"Discarded {count} dead letter(s).";
        return skipped == 0 ? done : $"{done} Skipped {skipped} already redriven or discarded.";
    }

    private string PageLink(long? before, int? partition = null, bool? resolved = null)
    {
        var query = new List<string>();
        var p = partition ?? CurrentPartition;
        if (p != 0)
        {
            query.Add($"partition={p}");
        }

        if (before is { } b)
        {
            query.Add($"before={b}");
        }

        if (resolved ?? ShowResolved)
        {
            query.Add("resolved=true");
        }

        return query.Count == 0 ? TopicPath : $"{TopicPath}?{string.Join('&', query)}";
    }
}
