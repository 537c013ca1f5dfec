using Herald.Cdc.Model;
using Npgsql;

namespace Herald.Cdc.Connector;

/// <summary>Looks captured tables up in the source database's catalog: existence, key, replica identity, column types.</summary>
internal sealed class TableCatalog(string topicPrefix)
{
    private readonly PgTypeCatalog _types = new();

    /// <summary>One column as pgoutput's Relation message (or the catalog) lists it.</summary>
    internal readonly record struct RelationColumn(string Name, uint TypeOid, int TypeModifier);

    /// <summary>
    /// Resolves <paramref name="tables"/> (<c>schema.table</c>) to oids and checks each can be captured; throws
    /// <see cref="CdcConfigurationException"/> naming the table and the fix.
    /// </summary>
    public async Task<IReadOnlyList<CapturedTable>> ResolveAsync(NpgsqlConnection connection, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var result = new List<CapturedTable>();
        foreach (var qualified in tables)
        {
            var (schema, name) = Split(qualified);
            await using var command = new NpgsqlCommand(
                """
                SELECT c.oid, c.relkind, c.relreplident,
                       EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),
                       EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)
                FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1 AND c.relname = $2
                """, connection);
            command.Parameters.Add(new() { Value = schema });
            command.Parameters.Add(new() { Value = name });
            uint oid;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new CdcConfigurationException($"table {schema}.{name} does not exist in this database: check --tables (names are schema.table, e.g. public.orders)");
                }

                oid = reader.GetFieldValue<uint>(0);
                var kind = reader.GetChar(1);
                var identity = reader.GetChar(2);
                var hasPrimaryKey = reader.GetBoolean(3);
                var hasIdentityIndex = reader.GetBoolean(4);
                if (kind is not ('r' or 'p'))
                {
                    throw new CdcConfigurationException($"{schema}.{name} is not a table (relkind '{kind}'): only tables can be captured");
                }

                var usable = identity switch
                {
                    'f' => true,
                    'i' => hasIdentityIndex,
                    'd' => hasPrimaryKey,
                    _ => false,
                };
                if (!usable)
                {
                    throw new CdcConfigurationException(
                        $"table {schema}.{name} has no primary key, so its updates and deletes cannot be captured: add one (ALTER TABLE {schema}.{name} ADD PRIMARY KEY (...)) or set ALTER TABLE {schema}.{name} REPLICA IDENTITY FULL (or USING INDEX <unique index>)");
                }
            }

            result.Add(await DescribeAsync(connection, oid, columns: null, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>
    /// The table's layout. Columns come from <paramref name="columns"/> (a Relation message, in its order) or, when
    /// null, from the catalog; nullability, key membership and the replica identity always come from the catalog.
    /// </summary>
    public async Task<CapturedTable> DescribeAsync(NpgsqlConnection connection, uint oid, IReadOnlyList<RelationColumn>? columns, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT n.nspname, c.relname, c.relreplident, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident AND a.attnum = ANY (i.indkey)),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE c.oid = $1
            ORDER BY a.attnum
            """, connection);
        command.Parameters.Add(new() { Value = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        string? schema = null, name = null;
        var identity = 'd';
        var catalog = new List<(RelationColumn Column, bool NotNull, bool Primary, bool IdentityIndex)>();
        var hasPrimaryKey = false;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                schema = reader.GetString(0);
                name = reader.GetString(1);
                identity = reader.GetChar(2);
                catalog.Add((new RelationColumn(reader.GetString(3), reader.GetFieldValue<uint>(4), reader.GetInt32(5)), reader.GetBoolean(6), reader.GetBoolean(7), reader.GetBoolean(8)));
                hasPrimaryKey = reader.GetBoolean(9);
            }
        }

        if (schema is null || name is null)
        {
            throw new CdcConfigurationException($"captured table with oid {oid} no longer exists (dropped while streaming?)");
        }

        var byName = catalog.ToDictionary(c => c.Column.Name, StringComparer.Ordinal);
        var schemas = new List<ColumnSchema>();
        var types = new List<ColumnType>();
        foreach (var column in columns ?? catalog.Select(c => c.Column).ToList())
        {
            // A column the catalog no longer lists (dropped after the change was written) is nullable and keyless.
            byName.TryGetValue(column.Name, out var info);

            // Debezium's key: the primary key; without one, the replica identity index; else no key.
            var isKey = hasPrimaryKey ? info.Primary : info.IdentityIndex;
            var type = await _types.GetAsync(connection, column.TypeOid, cancellationToken).ConfigureAwait(false);
            var mapped = DebeziumTypeMapper.Map(type, column.TypeModifier);
            schemas.Add(new ColumnSchema(column.Name, type.Name, mapped.ConnectType, mapped.SemanticName, !info.NotNull, isKey, mapped.ElementConnectType, DebeziumTypeMapper.NumericScale(type, column.TypeModifier)));
            types.Add(mapped);
        }

        var table = new TableSchema(schema, name, schemas, identity == 'f');
        return new CapturedTable(oid, table, types, $"{topicPrefix}.{schema}.{name}");
    }

    /// <summary>Splits <c>schema.table</c>; a bare name is in <c>public</c>. Quoting is not supported.</summary>
    internal static (string Schema, string Table) Split(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? ("public", qualified) : (qualified[..dot], qualified[(dot + 1)..]);
    }
}
