using System.CommandLine;
using System.Globalization;
using Herald.Sagas;
using Spectre.Console;

namespace Herald.Cli.Commands;

internal sealed partial class SagasCommand
{
    private Command CreateShowCommand()
    {
        var location = new SagaStoreLocation();
        var type = new Argument<string>("type") { Description = "The saga type (its name, e.g. order-fulfilment)" };
        var id = new Argument<string>("id") { Description = "The instance id (its correlation value, e.g. the order id)" };
        var json = CommonOptions.Json("One JSON document on stdout");
        var command = new Command("show", "Show one instance: step, data, version, timestamps, next timeout, the events it waits for, and its history (each event in, the step change, the events out), forward and compensation steps apart")
        {
            type, id, json, location.Sqlite, location.Postgres,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (sagaType, sagaId) = (result.GetValue(type)!, result.GetValue(id)!);
            var store = location.Open(result);
            try
            {
                var instance = await location.QueryAsync(result, () => store.GetAsync(sagaType, sagaId, cancellationToken)).ConfigureAwait(false)
                    ?? throw new CliException($"no {sagaType} saga '{sagaId}' (see 'herald sagas list --type {sagaType}')");
                if (result.GetValue(json))
                {
                    CliOutput.WriteJson(console.Out, SagaInstanceJson.From(instance));
                }
                else
                {
                    WriteInstance(instance);
                }

                return HeraldCli.Success;
            }
            finally
            {
                await SagaStoreLocation.CloseAsync(store).ConfigureAwait(false);
            }
        });
        return command;
    }

    private void WriteInstance(SagaInstance instance)
    {
        var summary = instance.Summary;
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string value) => facts.AddRow(name, Markup.Escape(value));
        Fact("Saga", $"{summary.Type} {summary.Id}");
        Fact("Step", summary.IsCompleted ? $"{summary.Step} (completed)" : summary.Step);
        Fact("Version", summary.Version.ToString(CultureInfo.InvariantCulture));
        Fact("Created", Time(summary.CreatedAt));
        Fact("Updated", $"{Time(summary.UpdatedAt)} ({Age(DateTimeOffset.UtcNow - summary.UpdatedAt)} ago)");
        Fact("Completed", summary.CompletedAt is { } completed ? Time(completed) : "-");
        Fact("Correlation", instance.CorrelationId ?? "-");
        Fact("Next timeout", instance.NextTimeout is { } next ? $"{next.TimeoutType} at {Time(next.DueAt)} (token {next.Token})" : "-");
        Fact("Waits for", summary.ExpectedEvents.Count > 0 ? string.Join(", ", summary.ExpectedEvents) : "-");
        Fact("Data", instance.Data);
        CliOutput.RenderToOut(console, facts);

        WriteHistory("Forward steps", instance.ForwardSteps);
        WriteHistory("Compensation steps", instance.CompensationSteps);
        if (instance.Unchanged.Count > 0)
        {
            WriteHistory("Ignored and late events, no change", instance.Unchanged);
        }

        if (instance.Timeouts.Count > 0)
        {
            console.Out.WriteLine();
            console.Out.WriteLine("Timeouts");
            var table = new Table().AddColumn("Token").AddColumn("Timeout").AddColumn("Due").AddColumn("State");
            foreach (var timeout in instance.Timeouts)
            {
                table.AddRow(timeout.Token.ToString(), Markup.Escape(timeout.TimeoutType), Time(timeout.DueAt), Markup.Escape(TimeoutState(timeout)));
            }

            CliOutput.RenderToOut(console, table);
        }
    }

    private void WriteHistory(string title, IReadOnlyList<SagaHistoryEntry> entries)
    {
        console.Out.WriteLine();
        console.Out.WriteLine($"{title} ({entries.Count})");
        if (entries.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumn(new TableColumn("#").RightAligned()).AddColumn("At").AddColumn("Kind").AddColumn("Event in").AddColumn("Step").AddColumn("Out");
        foreach (var entry in entries)
        {
            var source = entry.Topic is null ? "" : $" {entry.Topic}[{entry.Partition}]@{entry.Offset}";
            table.AddRow(
                entry.Seq.ToString(CultureInfo.InvariantCulture),
                Time(entry.At),
                SagaJsonNames.Kind(entry.Kind),
                Markup.Escape($"{entry.EventType} {entry.EventId}{source}"),
                Markup.Escape(entry.IsStateChange ? $"{entry.FromStep ?? "(start)"} -> {entry.ToStep}" : $"{entry.ToStep} (unchanged)"),
                Markup.Escape(entry.Emitted.Count > 0 ? string.Join("\n", entry.Emitted.Select(Emission)) : "-"));
        }

        CliOutput.RenderToOut(console, table);
    }

    private static string Emission(SagaEmission emission) => emission.Kind switch
    {
        SagaEmissionKind.Event => $"event {emission.Type} {emission.Id}",
        SagaEmissionKind.TimeoutScheduled => $"timeout {emission.Type} due {(emission.DueAt is { } due ? Time(due) : "?")}",
        _ => $"cancel timeout {emission.Type ?? "(all)"}",
    };

    internal static string TimeoutState(SagaTimeoutEntry timeout) =>
        timeout.FiredAt is { } fired ? $"fired {Time(fired)}"
        : timeout.CancelledAt is { } cancelled ? $"cancelled {Time(cancelled)}"
        : timeout.FailedAt is { } failed ? $"failed {Time(failed)} after {timeout.Attempts} attempt(s): {timeout.LastError}"
        : timeout.Attempts > 0 ? $"pending, {timeout.Attempts} failed attempt(s): {timeout.LastError}"
        : "pending";
}
