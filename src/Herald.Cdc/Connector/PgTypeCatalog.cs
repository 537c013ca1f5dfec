using Npgsql;

namespace Herald.Cdc.Connector;

/// <summary>The database's types by oid (built-in and user-defined: enums, domains, arrays), reloaded when an unknown oid appears.</summary>
internal sealed class PgTypeCatalog
{
    private Dictionary<uint, PgType> _types = [];

    /// <summary>The type of <paramref name="oid"/>, reloading the catalog once if it is new (a type created after start).</summary>
    public async ValueTask<PgType> GetAsync(NpgsqlConnection connection, uint oid, CancellationToken cancellationToken)
    {
        if (!_types.TryGetValue(oid, out var type))
        {
            await LoadAsync(connection, cancellationToken).ConfigureAwait(false);
            if (!_types.TryGetValue(oid, out type))
            {
                type = new PgType(oid, "unknown", 'b', null, null);
            }
        }

        return type;
    }

    private async Task LoadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var rows = new List<(uint Oid, string Name, char Kind, uint Element, uint BaseType, char Category)>();
        await using (var command = new NpgsqlCommand("SELECT oid, typname, typtype, typelem, typbasetype, typcategory FROM pg_catalog.pg_type", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetChar(2), reader.GetFieldValue<uint>(3), reader.GetFieldValue<uint>(4), reader.GetChar(5)));
            }
        }

        var byOid = rows.ToDictionary(r => r.Oid);
        var types = new Dictionary<uint, PgType>(rows.Count);
        PgType Resolve(uint oid)
        {
            if (types.TryGetValue(oid, out var known))
            {
                return known;
            }

            var row = byOid[oid];

            // typelem is also set on fixed-length types such as name and point; only category A is a real array.
            var element = row.Category == 'A' && row.Element != 0 && byOid.ContainsKey(row.Element) ? Resolve(row.Element) : null;
            var baseType = row.Kind == 'd' && byOid.ContainsKey(row.BaseType) ? Resolve(row.BaseType) : null;
            var type = new PgType(oid, row.Name, row.Kind, element, baseType);
            types[oid] = type;
            return type;
        }

        foreach (var row in rows)
        {
            Resolve(row.Oid);
        }

        _types = types;
    }
}
