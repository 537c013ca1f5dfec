namespace Herald.Protocol.Records;

/// <summary>The codec in bits 0-2 of a record batch's attributes.</summary>
public enum CompressionType
{
    /// <summary>Records are stored as is.</summary>
    None = 0,

    /// <summary>gzip.</summary>
    Gzip = 1,

    /// <summary>Snappy (raw or xerial framing).</summary>
    Snappy = 2,

    /// <summary>LZ4 frame format (KIP-57).</summary>
    Lz4 = 3,

    /// <summary>Zstandard.</summary>
    Zstd = 4,
}

/// <summary>What a record batch's timestamps mean (bit 3 of the attributes).</summary>
public enum TimestampType
{
    /// <summary>The producer's timestamp.</summary>
    CreateTime = 0,

    /// <summary>The broker's time of append.</summary>
    LogAppendTime = 1,
}
