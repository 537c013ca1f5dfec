using System.Buffers.Binary;
using Herald.Protocol;
using Herald.Protocol.Records;

namespace Herald.Broker.Log;

/// <summary>Idempotent-producer state of one partition: per producer id, its epoch and its last five batches.</summary>
/// <remarks>
/// Five matches the largest <c>max.in.flight.requests.per.connection</c> allowed with idempotence
/// (KIP-98). Not thread-safe: used under the partition lock.
/// </remarks>
internal sealed partial class ProducerStateTable
{
    internal const int CachedBatches = 5;

    private readonly Dictionary<long, ProducerEntry> _producers = [];

    public int Count => _producers.Count;

    /// <summary>Decides whether a batch may be appended.</summary>
    /// <param name="header">The batch as received.</param>
    /// <param name="duplicateOffset">For a batch already appended, the base offset it got then; otherwise -1.</param>
    /// <returns>None to append (or, with <paramref name="duplicateOffset"/> set, to acknowledge without appending), or the error.</returns>
    /// <remarks>
    /// A producer id we hold no state for is accepted whatever its sequence, as Apache Kafka does
    /// when the state was lost or expired: answering UNKNOWN_PRODUCER_ID would make librdkafka
    /// reset its sequences, while rejecting with OUT_OF_ORDER_SEQUENCE_NUMBER is fatal to it.
    /// </remarks>
    public ErrorCode Check(in RecordBatchHeader header, out long duplicateOffset)
    {
        duplicateOffset = -1;
        if (header.ProducerId < 0 || header.BaseSequence < 0 || header.IsControl)
        {
            return ErrorCode.None;
        }

        if (!_producers.TryGetValue(header.ProducerId, out var entry))
        {
            return ErrorCode.None;
        }

        if (header.ProducerEpoch < entry.Epoch)
        {
            return ErrorCode.InvalidProducerEpoch;
        }

        if (header.ProducerEpoch > entry.Epoch)
        {
            return header.BaseSequence == 0 ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber;
        }

        if (entry.FindDuplicate(header.BaseSequence, header.LastSequence, out duplicateOffset))
        {
            return ErrorCode.None;
        }

        if (entry.Count == 0)
        {
            return ErrorCode.None;
        }

        var expected = entry.LastSequence == int.MaxValue ? 0 : entry.LastSequence + 1;
        return header.BaseSequence == expected ? ErrorCode.None : ErrorCode.OutOfOrderSequenceNumber;
    }

    /// <summary>Records an appended batch (its base offset already assigned). Replaying a batch already recorded does nothing.</summary>
    public void Update(in RecordBatchHeader header)
    {
        if (header.ProducerId < 0)
        {
            return;
        }

        if (!_producers.TryGetValue(header.ProducerId, out var entry))
        {
            entry = new ProducerEntry { Epoch = header.ProducerEpoch };
            _producers.Add(header.ProducerId, entry);
        }

        if (header.ProducerEpoch > entry.Epoch)
        {
            entry.Epoch = header.ProducerEpoch;
            entry.Clear();
        }
        else if (header.ProducerEpoch < entry.Epoch)
        {
            return;
        }

        if (header.IsControl || header.BaseSequence < 0)
        {
            return;
        }

        entry.Add(header.BaseSequence, header.LastSequence, header.BaseOffset);
    }

    /// <summary>A copy of one producer's state, to undo a multi-batch append that failed part way.</summary>
    public ProducerEntry? CopyOf(long producerId) =>
        _producers.TryGetValue(producerId, out var entry) ? entry.Clone() : null;

    /// <summary>Puts back a state taken with <see cref="CopyOf"/>.</summary>
    public void Restore(long producerId, ProducerEntry? copy)
    {
        if (copy is null)
        {
            _producers.Remove(producerId);
        }
        else
        {
            _producers[producerId] = copy;
        }
    }

    /// <summary>One producer's epoch and ring of recent batches.</summary>
    internal sealed class ProducerEntry
    {
        private readonly int[] _firstSequences = new int[CachedBatches];
        private readonly int[] _lastSequences = new int[CachedBatches];
        private readonly long[] _baseOffsets = new long[CachedBatches];
        private int _next;

        public short Epoch { get; set; }

        public int Count { get; private set; }

        public int LastSequence => _lastSequences[(_next + CachedBatches - 1) % CachedBatches];

        public long LastBaseOffset => _baseOffsets[(_next + CachedBatches - 1) % CachedBatches];

        public void Add(int firstSequence, int lastSequence, long baseOffset)
        {
            if (Count > 0 && baseOffset <= LastBaseOffset)
            {
                return;
            }

            _firstSequences[_next] = firstSequence;
            _lastSequences[_next] = lastSequence;
            _baseOffsets[_next] = baseOffset;
            _next = (_next + 1) % CachedBatches;
            Count = Math.Min(Count + 1, CachedBatches);
        }

        public bool FindDuplicate(int firstSequence, int lastSequence, out long baseOffset)
        {
            for (var i = 0; i < Count; i++)
            {
                var slot = (_next + CachedBatches - 1 - i) % CachedBatches;
                if (_firstSequences[slot] == firstSequence && _lastSequences[slot] == lastSequence)
                {
                    baseOffset = _baseOffsets[slot];
                    return true;
                }
            }

            baseOffset = -1;
            return false;
        }

        public void Clear()
        {
            Count = 0;
            _next = 0;
        }

        public ProducerEntry Clone()
        {
            var copy = new ProducerEntry { Epoch = Epoch };
            for (var i = Count - 1; i >= 0; i--)
            {
                var slot = (_next + CachedBatches - 1 - i) % CachedBatches;
                copy.Add(_firstSequences[slot], _lastSequences[slot], _baseOffsets[slot]);
            }

            return copy;
        }

        /// <summary>Writes the batches oldest first: (firstSeq int32, lastSeq int32, baseOffset int64) each.</summary>
        public void WriteBatches(Span<byte> destination)
        {
            for (var i = Count - 1; i >= 0; i--)
            {
                var slot = (_next + CachedBatches - 1 - i) % CachedBatches;
                BinaryPrimitives.WriteInt32BigEndian(destination, _firstSequences[slot]);
                BinaryPrimitives.WriteInt32BigEndian(destination[4..], _lastSequences[slot]);
                BinaryPrimitives.WriteInt64BigEndian(destination[8..], _baseOffsets[slot]);
                destination = destination[16..];
            }
        }
    }
}
