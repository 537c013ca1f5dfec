namespace Herald.Sagas;

/// <summary>One page of <see cref="ISagaQuery.ListAsync"/>.</summary>
/// <param name="Items">The instances, stalest first.</param>
/// <param name="Total">How many instances match the filter in all.</param>
public sealed record SagaPage(IReadOnlyList<SagaSummary> Items, int Total);
