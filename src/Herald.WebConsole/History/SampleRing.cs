namespace Herald.WebConsole.History;

/// <summary>A fixed-size ring of (time, values) samples for a few named series; the oldest sample is overwritten first.</summary>
/// <remarks>Values are stored as <see cref="float"/>: charts need no more precision, and it halves the memory of the history.</remarks>
internal sealed class SampleRing
{
    private readonly long[] _times;
    private readonly float[][] _values;
    private int _next;
    private int _count;

    public SampleRing(int capacity, int series)
    {
        _times = new long[capacity];
        _values = new float[series][];
        for (var i = 0; i < series; i++)
        {
            _values[i] = new float[capacity];
        }
    }

    /// <summary>Bytes held by the arrays, for the memory budget.</summary>
    public long Bytes => (_times.Length * sizeof(long)) + (_values.Length * _times.Length * sizeof(float));

    public void Add(long unixSeconds, ReadOnlySpan<double> values)
    {
        lock (_times)
        {
            _times[_next] = unixSeconds;
            for (var i = 0; i < _values.Length; i++)
            {
                _values[i][_next] = (float)values[i];
            }

            _next = (_next + 1) % _times.Length;
            _count = Math.Min(_count + 1, _times.Length);
        }
    }

    /// <summary>The newest sample's value of <paramref name="series"/>; false before the first sample.</summary>
    public bool TryGetLatest(int series, out double value)
    {
        lock (_times)
        {
            value = _count == 0 ? 0 : _values[series][(_next - 1 + _times.Length) % _times.Length];
            return _count > 0;
        }
    }

    /// <summary>The samples oldest first: times and one array per series.</summary>
    public (long[] Times, double[][] Values) Read()
    {
        lock (_times)
        {
            var times = new long[_count];
            var values = new double[_values.Length][];
            var first = (_next - _count + _times.Length) % _times.Length;
            for (var s = 0; s < _values.Length; s++)
            {
                values[s] = new double[_count];
            }

            for (var i = 0; i < _count; i++)
            {
                var slot = (first + i) % _times.Length;
                times[i] = _times[slot];
                for (var s = 0; s < _values.Length; s++)
                {
                    values[s][i] = _values[s][slot];
                }
            }

            return (times, values);
        }
    }
}
