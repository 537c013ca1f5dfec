using Herald.Sagas;

namespace Herald.WebConsole.Sagas;

/// <summary>What one saga source answered to a list: its instances (stalest first) and how many match in all, or why it could not.</summary>
/// <param name="Source">The source.</param>
/// <param name="Items">The instances read, stalest first; empty when <paramref name="Error"/> is set.</param>
/// <param name="Total">How many instances match the filter in that source.</param>
/// <param name="Error">Why the source could not be read, in one line; null when it answered.</param>
internal sealed record SagaSourceResult(SagaSource Source, IReadOnlyList<SagaSummary> Items, int Total, string? Error);

/// <summary>One instance in a list, with the source it came from.</summary>
internal sealed record SagaRow(SagaSource Source, SagaSummary Summary);

/// <summary>One instance looked up in one source: the instance, none (<see cref="Instance"/> and <see cref="Error"/> null), or why the source could not be read.</summary>
internal sealed record SagaLookup(SagaInstance? Instance, string? Error);
