using Herald.Sagas;

namespace Herald.WebConsole.Sagas;

/// <summary>
/// One service database whose saga instances the console shows (<c>herald serve --sagas</c>): saga data lives in each
/// service's own database, next to its inbox, never in the broker.
/// </summary>
/// <param name="Name">What the pages and <c>/api/v1/sagas</c> call it; letters, digits, <c>.</c>, <c>_</c> and <c>-</c>, unique.</param>
/// <param name="Query">Reads its saga tables (<c>SqliteSagaStore</c>, <c>PostgreSqlSagaStore</c>); the creator of the source disposes it.</param>
public sealed record SagaSource(string Name, ISagaQuery Query)
{
    /// <summary>Where the data is, for people, without secrets: e.g. <c>SQLite /srv/shop/app.db</c>. Default: none.</summary>
    public string? Description { get; init; }
}
