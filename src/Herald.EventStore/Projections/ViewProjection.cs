using System.Text.Json;
using Herald.EventStore.Serialization;

namespace Herald.EventStore.Projections;

/// <summary>
/// A projection that keeps one JSON document (a view) per key — by default per stream — in a table
/// <c>(id, data, last_position)</c>: override <see cref="Apply"/> to fold an event into a view. Each batch loads the
/// views it touches with one query, folds in memory and writes them back with one statement, which is what makes
/// rebuilds fast. <c>data</c> is <c>jsonb</c> on PostgreSQL and JSON text on SQLite, so it can be queried with SQL.
/// </summary>
/// <typeparam name="TView">The view's type, serialized with the type map's JSON options.</typeparam>
public abstract class ViewProjection<TView> : IProjection
    where TView : class
{
    private readonly string _table;

    /// <param name="name">The projection's name (its checkpoint key).</param>
    /// <param name="table">The table of views (an identifier; on PostgreSQL <c>schema.table</c> is allowed).</param>
    /// <param name="types">How stored events are read (with upcasting); events of unmapped types are not passed to <see cref="Apply"/>.</param>
    protected ViewProjection(string name, string table, EventTypeMap types)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _table = AppendRules.ValidatePrefix(table, allowSchema: true);
        Name = name;
        Types = types;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Tables => [_table];

    /// <summary>The event type map used to read events.</summary>
    protected EventTypeMap Types { get; }

    /// <summary>The key of the view <paramref name="recorded"/> belongs to, or null to ignore it. Default: its stream id.</summary>
    /// <param name="recorded">The stored event.</param>
    protected virtual string? KeyOf(RecordedEvent recorded) => recorded.StreamId;

    /// <summary>Folds <paramref name="event"/> into <paramref name="view"/> (null when the key has none yet); return null to delete the view.</summary>
    /// <param name="view">The current view, or null.</param>
    /// <param name="event">The event, deserialized (and upcast) through <see cref="Types"/>.</param>
    /// <param name="recorded">The stored event (stream, version, position, time).</param>
    protected abstract TView? Apply(TView? view, object @event, RecordedEvent recorded);

    /// <summary>Loads one view, or null.</summary>
    /// <param name="store">The store whose database holds the views.</param>
    /// <param name="id">The view's key.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<TView?> LoadAsync(IProjectionStore store, string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT data FROM {_table} WHERE id = @id";
        ProjectionContext.AddParameter(command, "@id", id);
        var data = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return data is string json ? JsonSerializer.Deserialize<TView>(json, Types.JsonOptions) : null;
    }

    /// <inheritdoc />
    public async Task CreateAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        var json = context.Dialect == SqlDialect.PostgreSql ? "jsonb" : "TEXT";
        await using var command = context.CreateCommand(
            $"CREATE TABLE IF NOT EXISTS {context.Table(_table)} (id TEXT NOT NULL PRIMARY KEY, data {json} NOT NULL, last_position BIGINT NOT NULL)");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var table = context.Table(_table);
        var touched = new Dictionary<string, (TView? View, long Position)>(StringComparer.Ordinal);
        var keys = new List<(string Key, RecordedEvent Event)>(events.Count);
        foreach (var recorded in events)
        {
            if (Types.IsMapped(recorded.EventType) && KeyOf(recorded) is { } key)
            {
                keys.Add((key, recorded));
                touched.TryAdd(key, default);
            }
        }

        if (keys.Count == 0)
        {
            return;
        }

        var cache = RebuildCache(context, table);
        if (cache is null || cache.Overflowed)
        {
            await LoadManyAsync(context, table, touched, cancellationToken).ConfigureAwait(false);
        }

        if (cache is not null)
        {
            // What the cache knows is what the fresh table holds (null: deleted); it overrides any load.
            foreach (var key in touched.Keys.ToList())
            {
                if (cache.Views.TryGetValue(key, out var cached))
                {
                    touched[key] = (cached, 0);
                }
            }
        }

        foreach (var (key, recorded) in keys)
        {
            var view = Apply(touched[key].View, Types.Deserialize(recorded), recorded);
            touched[key] = (view, recorded.GlobalPosition);
        }

        await SaveManyAsync(context, table, touched, cancellationToken).ConfigureAwait(false);
        cache?.Remember(touched);
    }

    // During a rebuild only this projection writes the fresh table, and it starts empty: remembering what was written
    // saves the load query for every batch (until the cache is full; after that, unknown keys are loaded).
    private static RebuildViews? RebuildCache(ProjectionContext context, string table)
    {
        if (!context.IsRebuild)
        {
            return null;
        }

        var key = (typeof(RebuildViews), table);
        if (!context.Items.TryGetValue(key, out var cache))
        {
            cache = new RebuildViews();
            context.Items[key] = cache;
        }

        return (RebuildViews)cache;
    }

    private sealed class RebuildViews
    {
        private const int Capacity = 200_000;

        public Dictionary<string, TView?> Views { get; } = new(StringComparer.Ordinal);

        public bool Overflowed { get; private set; }

        public void Remember(Dictionary<string, (TView? View, long Position)> written)
        {
            foreach (var (key, (view, _)) in written)
            {
                if (Views.Count < Capacity || Views.ContainsKey(key))
                {
                    Views[key] = view;
                }
                else
                {
                    Overflowed = true;
                }
            }
        }
    }

    private async Task LoadManyAsync(ProjectionContext context, string table, Dictionary<string, (TView? View, long Position)> views, CancellationToken cancellationToken)
    {
        var ids = views.Keys.ToArray();
        await using var command = context.Dialect == SqlDialect.PostgreSql
            ? context.CreateCommand($"SELECT id, data::text FROM {table} WHERE id = ANY(@ids)")
            : context.CreateCommand($"SELECT id, data FROM {table} WHERE id IN (SELECT value FROM json_each(@ids))");
        ProjectionContext.AddParameter(command, "@ids", context.Dialect == SqlDialect.PostgreSql ? ids : JsonSerializer.Serialize(ids));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            views[reader.GetString(0)] = (JsonSerializer.Deserialize<TView>(reader.GetString(1), Types.JsonOptions), 0);
        }
    }

    private async Task SaveManyAsync(ProjectionContext context, string table, Dictionary<string, (TView? View, long Position)> views, CancellationToken cancellationToken)
    {
        var upserts = views.Where(v => v.Value.View is not null).ToList();
        var deletes = views.Where(v => v.Value.View is null).Select(v => v.Key).ToArray();
        if (context.Dialect == SqlDialect.PostgreSql)
        {
            // One statement each: unnest turns the arrays into rows on the server.
            if (upserts.Count > 0)
            {
                await using var upsert = context.CreateCommand($"""
                    INSERT INTO {table} (id, data, last_position)
                    SELECT * FROM unnest(@ids, @data::jsonb[], @positions)
                    ON CONFLICT (id) DO UPDATE SET data = excluded.data, last_position = excluded.last_position
                    """);
                ProjectionContext.AddParameter(upsert, "@ids", upserts.Select(v => v.Key).ToArray());
                ProjectionContext.AddParameter(upsert, "@data", upserts.Select(v => JsonSerializer.Serialize(v.Value.View, Types.JsonOptions)).ToArray());
                ProjectionContext.AddParameter(upsert, "@positions", upserts.Select(v => v.Value.Position).ToArray());
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (deletes.Length > 0)
            {
                await using var delete = context.CreateCommand($"DELETE FROM {table} WHERE id = ANY(@ids)");
                ProjectionContext.AddParameter(delete, "@ids", deletes);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // SQLite runs in process: a prepared statement per row costs no round trip.
        if (upserts.Count > 0)
        {
            await using var upsert = context.CreateCommand($"""
                INSERT INTO {table} (id, data, last_position) VALUES (@id, @data, @position)
                ON CONFLICT (id) DO UPDATE SET data = excluded.data, last_position = excluded.last_position
                """);
            var id = ProjectionContext.AddParameter(upsert, "@id", string.Empty);
            var data = ProjectionContext.AddParameter(upsert, "@data", string.Empty);
            var position = ProjectionContext.AddParameter(upsert, "@position", 0L);
            foreach (var (key, (view, at)) in upserts)
            {
                id.Value = key;
                data.Value = JsonSerializer.Serialize(view, Types.JsonOptions);
                position.Value = at;
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (deletes.Length > 0)
        {
            await using var delete = context.CreateCommand($"DELETE FROM {table} WHERE id IN (SELECT value FROM json_each(@ids))");
            ProjectionContext.AddParameter(delete, "@ids", JsonSerializer.Serialize(deletes));
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads every view as JSON text, by key (tests and tools; a read model is normally queried with SQL).</summary>
    /// <param name="store">The store whose database holds the views.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<IReadOnlyDictionary<string, string>> ReadAllJsonAsync(IProjectionStore store, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, {(store.Dialect == SqlDialect.PostgreSql ? "data::text" : "data")} FROM {_table}";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            all[reader.GetString(0)] = reader.GetString(1);
        }

        return all;
    }
}
