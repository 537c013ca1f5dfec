namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    /// <summary>Deletes the oldest closed segments that retention no longer keeps.</summary>
    /// <param name="nowUnixMs">The current time in Unix milliseconds.</param>
    /// <returns>How many segments were deleted.</returns>
    /// <remarks>
    /// As Kafka: a prefix of closed segments goes when its newest timestamp is older than
    /// <see cref="LogOptions.RetentionMs"/> (the file time when it has no timestamps), then while
    /// deleting the oldest still leaves at least <see cref="LogOptions.RetentionBytes"/>. The active
    /// segment is never deleted. The log start offset moves to the first remaining segment.
    /// </remarks>
    public int ApplyRetention(long nowUnixMs)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            var options = Options;
            var segments = _segments;
            var deletable = 0;
            if (options.RetentionMs >= 0)
            {
                while (deletable < segments.Length - 1 && nowUnixMs - NewestTimestamp(segments[deletable]) > options.RetentionMs)
                {
                    deletable++;
                }
            }

            if (options.RetentionBytes >= 0)
            {
                var remaining = 0L;
                for (var i = deletable; i < segments.Length; i++)
                {
                    remaining += segments[i].Size;
                }

                while (deletable < segments.Length - 1 && remaining - segments[deletable].Size >= options.RetentionBytes)
                {
                    remaining -= segments[deletable].Size;
                    deletable++;
                }
            }

            DeleteOldestSegments(deletable);
            return deletable;
        }
    }

    /// <summary>Makes offsets below <paramref name="offset"/> unreadable (DeleteRecords) and deletes segments wholly below it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is above <see cref="LogEndOffset"/>.</exception>
    public void DeleteRecordsBefore(long offset)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, _logEndOffset);
            if (offset <= _logStartOffset)
            {
                return;
            }

            Volatile.Write(ref _logStartOffset, offset);
            WriteLogStartOffsetCheckpoint(offset);
            var segments = _segments;
            var deletable = 0;
            while (deletable < segments.Length - 1 && segments[deletable + 1].BaseOffset <= offset)
            {
                deletable++;
            }

            DeleteOldestSegments(deletable);
        }
    }

    /// <summary>Forces everything written so far to stable storage.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            foreach (var segment in _segments)
            {
                segment.Flush();
            }
        }
    }

    /// <summary>Closes the log and deletes its directory (topic deletion).</summary>
    public void DeleteFiles()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                CloseSegments();
                Volatile.Write(ref _disposed, true);
            }
        }

        SignalClosed();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Flushes, saves producer state for a fast restart, and closes the files.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                foreach (var segment in _segments)
                {
                    segment.Flush();
                }

                _producers.Save(ProducerSnapshotPath, _logEndOffset);
            }
            finally
            {
                CloseSegments();
                Volatile.Write(ref _disposed, true);
            }
        }

        SignalClosed();
    }

    private static long NewestTimestamp(LogSegment segment) =>
        segment.MaxTimestamp >= 0
            ? segment.MaxTimestamp
            : new DateTimeOffset(File.GetLastWriteTimeUtc(segment.LogPath)).ToUnixTimeMilliseconds();

    /// <summary>Unpublishes and deletes the first <paramref name="count"/> segments; readers holding them retry.</summary>
    private void DeleteOldestSegments(int count)
    {
        if (count == 0)
        {
            return;
        }

        var segments = _segments;
        Volatile.Write(ref _segments, segments[count..]);
        var start = segments[count].BaseOffset;
        if (start > _logStartOffset)
        {
            Volatile.Write(ref _logStartOffset, start);
            WriteLogStartOffsetCheckpoint(start);
        }

        for (var i = 0; i < count; i++)
        {
            segments[i].Delete();
        }
    }

    private void SignalClosed()
    {
        Interlocked.Exchange(ref _waiting, 0);
        Interlocked.Exchange(ref _appendSignal, NewSignal()).TrySetResult();
    }
}
