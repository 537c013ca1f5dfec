using System.Globalization;

namespace Herald.Cdc.Transforms;

public sealed partial record ExtractNewRecordStateOptions
{
    private const string TransformType = "io.debezium.transforms.ExtractNewRecordState";

    private static readonly string[] KnownKeys =
    [
        "type", "delete.tombstone.handling.mode", "drop.tombstones", "delete.handling.mode", "add.fields", "add.fields.prefix",
        "add.headers", "add.headers.prefix", "route.by.field", "drop.fields.header.name", "drop.fields.from.key",
        "drop.fields.keep.schema.compatible", "replace.null.with.default",
    ];

    /// <summary>
    /// Reads the options from Debezium's configuration keys, with or without the <c>transforms.&lt;alias&gt;.</c> prefix,
    /// e.g. <c>delete.tombstone.handling.mode=rewrite</c>, <c>add.fields=op,table,lsn,source.ts_ms</c>.
    /// </summary>
    /// <param name="configuration">The key/values.</param>
    /// <returns>The options; Debezium's defaults for missing keys.</returns>
    /// <exception cref="FormatException">An unknown key, mode or boolean, or a malformed field reference; the message names
    /// the key and the accepted values.</exception>
    /// <remarks>
    /// The legacy keys <c>delete.handling.mode</c> (<c>drop</c>|<c>none</c>|<c>rewrite</c>, default <c>drop</c>) and
    /// <c>drop.tombstones</c> (default true) apply only when <c>delete.tombstone.handling.mode</c> is absent, as in
    /// Debezium 2.5–3.1. <c>replace.null.with.default</c> is accepted; Herald's connector emits no column defaults, so it
    /// has no effect.
    /// </remarks>
    public static ExtractNewRecordStateOptions Parse(IReadOnlyDictionary<string, string> configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in configuration)
        {
            var key = StripTransformPrefix(rawKey);
            if (Array.IndexOf(KnownKeys, key) < 0)
            {
                throw new FormatException($"unknown ExtractNewRecordState option '{rawKey}'; known options: {string.Join(", ", KnownKeys)}");
            }

            values[key] = value.Trim();
        }

        if (values.TryGetValue("type", out var type) && type != TransformType)
        {
            throw new FormatException($"type '{type}' is not {TransformType}");
        }

        var options = new ExtractNewRecordStateOptions
        {
            AddFields = List(values, "add.fields"),
            AddFieldsPrefix = values.GetValueOrDefault("add.fields.prefix", "__"),
            AddHeaders = List(values, "add.headers"),
            AddHeadersPrefix = values.GetValueOrDefault("add.headers.prefix", "__"),
            RouteByField = NullIfEmpty(values.GetValueOrDefault("route.by.field")),
            DropFieldsHeaderName = NullIfEmpty(values.GetValueOrDefault("drop.fields.header.name")),
            DropFieldsFromKey = Boolean(values, "drop.fields.from.key", false),
            DropFieldsKeepSchemaCompatible = Boolean(values, "drop.fields.keep.schema.compatible", true),
        };
        _ = Boolean(values, "replace.null.with.default", true);

        // Field references are validated now rather than at the first event.
        _ = FieldReference.ParseAll(options.AddFields, options.AddFieldsPrefix);
        _ = FieldReference.ParseAll(options.AddHeaders, options.AddHeadersPrefix);

        if (NullIfEmpty(values.GetValueOrDefault("delete.tombstone.handling.mode")) is { } mode)
        {
            return options with { DeleteTombstoneHandling = ParseMode(mode) };
        }

        if (values.ContainsKey("delete.handling.mode") || values.ContainsKey("drop.tombstones"))
        {
            var legacy = new LegacyDeleteHandling(
                ParseLegacyMode(values.GetValueOrDefault("delete.handling.mode", "drop")),
                Boolean(values, "drop.tombstones", true));
            return options with { LegacyDeleteHandling = legacy };
        }

        return options;
    }

    /// <summary>Parses a <c>delete.tombstone.handling.mode</c> value (case-insensitive).</summary>
    /// <param name="value"><c>drop</c>, <c>tombstone</c>, <c>rewrite</c>, <c>rewrite-with-tombstone</c> or <c>delete-to-tombstone</c>.</param>
    /// <exception cref="FormatException">Any other value.</exception>
    public static DeleteTombstoneHandlingMode ParseMode(string value) => value.Trim().ToLowerInvariant() switch
    {
        "drop" => DeleteTombstoneHandlingMode.Drop,
        "tombstone" => DeleteTombstoneHandlingMode.Tombstone,
        "rewrite" => DeleteTombstoneHandlingMode.Rewrite,
        "rewrite-with-tombstone" => DeleteTombstoneHandlingMode.RewriteWithTombstone,
        "delete-to-tombstone" => DeleteTombstoneHandlingMode.DeleteToTombstone,
        _ => throw new FormatException(
            $"unknown delete.tombstone.handling.mode '{value}' (expected drop, tombstone, rewrite, rewrite-with-tombstone or delete-to-tombstone)"),
    };

    private static LegacyDeleteHandlingMode ParseLegacyMode(string value) => value.Trim().ToLowerInvariant() switch
    {
        "drop" => LegacyDeleteHandlingMode.Drop,
        "none" => LegacyDeleteHandlingMode.None,
        "rewrite" => LegacyDeleteHandlingMode.Rewrite,
        _ => throw new FormatException($"unknown delete.handling.mode '{value}' (expected drop, none or rewrite)"),
    };

    private static string StripTransformPrefix(string key)
    {
        if (!key.StartsWith("transforms.", StringComparison.Ordinal))
        {
            return key;
        }

        var aliasEnd = key.IndexOf('.', "transforms.".Length);
        return aliasEnd < 0 ? key : key[(aliasEnd + 1)..];
    }

    private static string[] List(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var list) ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];

    private static bool Boolean(Dictionary<string, string> values, string key, bool fallback)
    {
        if (!values.TryGetValue(key, out var text) || text.Length == 0)
        {
            return fallback;
        }

        return bool.TryParse(text, out var value)
            ? value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{key} must be true or false, not '{text}'"));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
