using Herald.Cdc.Model;

namespace Herald.Cdc.Transforms;

/// <summary>Runs several transforms on each change and publishes all their records, in transform order.</summary>
/// <example><c>new CompositeTransform(new ExtractNewRecordState(), new BusinessEventTransform(rules))</c>: the flat
/// row stream and the business facts from one connector.</example>
public sealed class CompositeTransform : IChangeTransform
{
    private readonly IChangeTransform[] _transforms;

    /// <summary>Creates the composite.</summary>
    /// <param name="transforms">The transforms, applied in order.</param>
    public CompositeTransform(params IChangeTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        _transforms = [.. transforms];
    }

    /// <inheritdoc />
    public IReadOnlyList<CdcRecord> Apply(ChangeEvent change, string topic)
    {
        if (_transforms.Length == 1)
        {
            return _transforms[0].Apply(change, topic);
        }

        var records = new List<CdcRecord>();
        foreach (var transform in _transforms)
        {
            records.AddRange(transform.Apply(change, topic));
        }

        return records;
    }
}
