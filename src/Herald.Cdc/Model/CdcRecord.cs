namespace Herald.Cdc.Model;

/// <summary>A record ready to publish: topic, key and value bytes (null value = tombstone), headers.</summary>
/// <param name="Topic">The destination topic, <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;</c> by default.</param>
/// <param name="Key">The serialized key, or null (truncate).</param>
/// <param name="Value">The serialized value, or null for a tombstone.</param>
/// <param name="Headers">Kafka headers (UTF-8 values).</param>
/// <param name="Lsn">The LSN this record came from; the slot may be confirmed up to it once the broker acknowledged it.</param>
public sealed record CdcRecord(string Topic, byte[]? Key, byte[]? Value, IReadOnlyList<KeyValuePair<string, string>> Headers, ulong Lsn);
