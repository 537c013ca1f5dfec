namespace Herald.Cdc.Connector;

/// <summary>A PostgreSQL type as the connector needs it: its name, and for arrays and domains what they wrap.</summary>
/// <param name="Oid">The type's oid (pgoutput's <c>DataTypeId</c>).</param>
/// <param name="Name">The type name, e.g. <c>int4</c>, <c>_text</c>.</param>
/// <param name="Kind"><c>pg_type.typtype</c>: <c>b</c> base, <c>e</c> enum, <c>d</c> domain, <c>c</c> composite, <c>r</c> range.</param>
/// <param name="Element">For arrays, the element type.</param>
/// <param name="BaseType">For domains, the underlying type.</param>
internal sealed record PgType(uint Oid, string Name, char Kind, PgType? Element, PgType? BaseType)
{
    /// <summary>The type values are really encoded as: domains unwrapped.</summary>
    public PgType Effective => BaseType?.Effective ?? this;
}
