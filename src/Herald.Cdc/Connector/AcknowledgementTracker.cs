namespace Herald.Cdc.Connector;

/// <summary>
/// Decides how far the slot may be confirmed: a transaction's commit LSN becomes confirmable only once every record
/// published up to and including that transaction was acknowledged by the broker.
/// </summary>
/// <remarks>
/// Records get consecutive sequence numbers as they are handed to the producer; acknowledgements arrive in order per
/// partition but interleaved across partitions and topics, so the tracker keeps the acknowledged prefix plus the few
/// out-of-order ones. Thread-safe: the capture loop publishes, the producer's delivery thread acknowledges.
/// </remarks>
internal sealed class AcknowledgementTracker
{
    private readonly Lock _lock = new();
    private readonly HashSet<long> _ackedAhead = [];
    private readonly Queue<(long UpTo, ulong Lsn)> _checkpoints = new();
    private long _published;
    private long _ackedPrefix;
    private ulong _confirmable;

    /// <summary>Records handed to the producer so far.</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Records acknowledged, counted as a contiguous prefix.</summary>
    public long Acknowledged
    {
        get
        {
            lock (_lock)
            {
                return _ackedPrefix;
            }
        }
    }

    /// <summary>Whether every published record is acknowledged.</summary>
    public bool AllAcknowledged
    {
        get
        {
            lock (_lock)
            {
                return _ackedPrefix == _published;
            }
        }
    }

    /// <summary>The highest checkpoint LSN whose records are all acknowledged (0 before the first).</summary>
    public ulong ConfirmableLsn
    {
        get
        {
            lock (_lock)
            {
                return _confirmable;
            }
        }
    }

    /// <summary>Takes the next sequence number for a record about to be produced.</summary>
    public long Next()
    {
        lock (_lock)
        {
            return _published++;
        }
    }

    /// <summary>Marks everything published so far as belonging to a transaction that ends at <paramref name="lsn"/>.</summary>
    public void Checkpoint(ulong lsn)
    {
        lock (_lock)
        {
            _checkpoints.Enqueue((_published, lsn));
            Advance();
        }
    }

    /// <summary>Records the broker's acknowledgement of record <paramref name="sequence"/>.</summary>
    public void Acknowledge(long sequence)
    {
        lock (_lock)
        {
            if (sequence != _ackedPrefix)
            {
                _ackedAhead.Add(sequence);
                return;
            }

            _ackedPrefix++;
            while (_ackedAhead.Remove(_ackedPrefix))
            {
                _ackedPrefix++;
            }

            Advance();
        }
    }

    private void Advance()
    {
        while (_checkpoints.TryPeek(out var checkpoint) && checkpoint.UpTo <= _ackedPrefix)
        {
            _checkpoints.Dequeue();
            _confirmable = Math.Max(_confirmable, checkpoint.Lsn);
        }
    }
}
