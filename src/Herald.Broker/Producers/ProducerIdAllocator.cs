using System.Globalization;

namespace Herald.Broker.Producers;

/// <summary>Hands out producer ids for idempotent producers, unique across restarts.</summary>
/// <remarks>
/// Ids are reserved in blocks of <see cref="BlockSize"/> written to <c>producer-ids</c> before any id of the
/// block is used, so a crash can skip ids but never reuse one.
/// </remarks>
internal sealed class ProducerIdAllocator
{
    private const long BlockSize = 1000;
    private readonly string _path;
    private readonly Lock _lock = new();
    private long _next;
    private long _blockEnd;

    public ProducerIdAllocator(string dataDirectory)
    {
        _path = Path.Combine(dataDirectory, "producer-ids");
        _next = File.Exists(_path) ? long.Parse(File.ReadAllText(_path).Trim(), CultureInfo.InvariantCulture) : 0;
        _blockEnd = _next;
    }

    public long Next()
    {
        lock (_lock)
        {
            if (_next >= _blockEnd)
            {
                _blockEnd = _next + BlockSize;
                var temp = _path + ".tmp";
                File.WriteAllText(temp, _blockEnd.ToString(CultureInfo.InvariantCulture));
                File.Move(temp, _path, overwrite: true);
            }

            return _next++;
        }
    }
}
