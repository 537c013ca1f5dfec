using Herald.Cdc.Model;
using Herald.Cdc.Serialization;

namespace Herald.Cdc.Transforms;

/// <summary>
/// The default transform: Debezium's change envelope as the value and the key struct as the key; after a delete a
/// tombstone with the same key; a truncate as one record with a null key.
/// </summary>
/// <remarks>The change's <see cref="ChangeEvent.Headers"/> go on every record it produces.</remarks>
public sealed class EnvelopeTransform : IChangeTransform
{
    private readonly DebeziumJsonSerializer _serializer;
    private readonly EnvelopeTransformOptions _options;

    /// <summary>Creates the transform.</summary>
    /// <param name="serializer">Writes keys and envelopes; a schemas-off serializer when null.</param>
    /// <param name="options">Tombstone settings; <see cref="EnvelopeTransformOptions.Default"/> when null.</param>
    public EnvelopeTransform(DebeziumJsonSerializer? serializer = null, EnvelopeTransformOptions? options = null)
    {
        _serializer = serializer ?? new DebeziumJsonSerializer();
        _options = options ?? EnvelopeTransformOptions.Default;
    }

    /// <inheritdoc />
    public IReadOnlyList<CdcRecord> Apply(ChangeEvent change, string topic)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(topic);
        var key = change.Operation == ChangeOperation.Truncate ? null : _serializer.SerializeKey(change);
        var envelope = new CdcRecord(topic, key, _serializer.SerializeEnvelope(change), change.Headers, change.Source.Lsn);
        if (change.Operation == ChangeOperation.Delete && _options.TombstonesOnDelete && key is not null)
        {
            return [envelope, envelope with { Value = null }];
        }

        return [envelope];
    }
}
