using Herald.Broker.Log;
using Herald.Protocol;
using static Herald.Broker.Tests.Log.LogTestHelpers;

namespace Herald.Broker.Tests.Log;

public class IdempotentProducerTests
{
    private const long ProducerId = 1000;

    private static byte[] Produced(int records, int sequence, short epoch = 0) =>
        Batch(records, producerId: ProducerId, epoch: epoch, sequence: sequence);

    [Fact]
    public void A_retried_batch_is_not_appended_again_and_gets_its_original_offset()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Batch(1));
        Assert.Equal(1, log.Append(Produced(3, 0)).BaseOffset);
        Assert.Equal(4, log.Append(Produced(2, 3)).BaseOffset);

        var retry = log.Append(Produced(3, 0));

        Assert.Equal(ErrorCode.None, retry.Error);
        Assert.Equal(1, retry.BaseOffset);
        Assert.Equal(6, log.LogEndOffset);
        Assert.Equal(4, log.Append(Produced(2, 3)).BaseOffset);
    }

    [Fact]
    public void Only_the_last_five_batches_are_remembered()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(ErrorCode.None, log.Append(Produced(1, i)).Error);
        }

        Assert.Equal(1, log.Append(Produced(1, 1)).BaseOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, log.Append(Produced(1, 0)).Error);
    }

    [Fact]
    public void A_sequence_gap_is_out_of_order()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Produced(2, 0));

        var gap = log.Append(Produced(1, 5));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, gap.Error);
        Assert.Equal(2, log.LogEndOffset);
    }

    [Fact]
    public void An_older_epoch_is_fenced_and_a_new_epoch_must_start_at_zero()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Produced(2, 0, epoch: 1));

        Assert.Equal(ErrorCode.InvalidProducerEpoch, log.Append(Produced(1, 2, epoch: 0)).Error);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, log.Append(Produced(1, 2, epoch: 2)).Error);
        Assert.Equal(ErrorCode.None, log.Append(Produced(1, 0, epoch: 2)).Error);
        Assert.Equal(ErrorCode.InvalidProducerEpoch, log.Append(Produced(1, 1, epoch: 1)).Error);
        Assert.Equal(3, log.LogEndOffset);
    }

    [Fact]
    public void An_unknown_producer_is_accepted_at_any_sequence()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());

        Assert.Equal(ErrorCode.None, log.Append(Produced(2, 42)).Error);
        Assert.Equal(ErrorCode.None, log.Append(Produced(1, 44)).Error);
    }

    [Fact]
    public void Sequences_wrap_around_int_max()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());
        log.Append(Produced(2, int.MaxValue - 1));

        Assert.Equal(ErrorCode.None, log.Append(Produced(1, 0)).Error);
    }

    [Fact]
    public void A_bad_batch_among_several_appends_none_and_leaves_producer_state_unchanged()
    {
        using var dir = new TempDirectory();
        using var log = PartitionLog.Open(dir.Path, new LogOptions());

        var result = log.Append(Concat(Produced(1, 0), Produced(1, 1), Produced(1, 7)));

        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, result.Error);
        Assert.Equal(0, log.LogEndOffset);
        Assert.Equal(ErrorCode.None, log.Append(Concat(Produced(1, 0), Produced(1, 1))).Error);
        Assert.Equal(0, log.Append(Produced(1, 0)).BaseOffset);
        Assert.Equal(2, log.LogEndOffset);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Producer_state_survives_reopen(bool keepSnapshot)
    {
        using var dir = new TempDirectory();
        var options = new LogOptions { SegmentBytes = 400 };
        using (var log = PartitionLog.Open(dir.Path, options))
        {
            for (var i = 0; i < 10; i++)
            {
                log.Append(Produced(1, i));
            }

            Assert.True(log.SegmentCount > 1);
        }

        if (!keepSnapshot)
        {
            File.Delete(Path.Combine(dir.Path, "producer-state.snapshot"));
        }

        using var reopened = PartitionLog.Open(dir.Path, options);
        var retry = reopened.Append(Produced(1, 9));
        Assert.Equal(ErrorCode.None, retry.Error);
        Assert.Equal(9, retry.BaseOffset);
        Assert.Equal(ErrorCode.OutOfOrderSequenceNumber, reopened.Append(Produced(1, 11)).Error);
        Assert.Equal(10, reopened.Append(Produced(1, 10)).BaseOffset);
    }

    [Fact]
    public void Producer_state_survives_a_crash_after_the_last_snapshot()
    {
        using var dir = new TempDirectory();
        var options = new LogOptions { SegmentBytes = 400 };
        using (var log = PartitionLog.Open(dir.Path, options))
        {
            for (var i = 0; i < 10; i++)
            {
                log.Append(Produced(1, i));
            }
        }

        // A stale snapshot, as left by a roll before a kill -9: batches after it come from the log.
        var snapshot = Path.Combine(dir.Path, "producer-state.snapshot");
        using (var log = PartitionLog.Open(dir.Path, options))
        {
            File.Copy(snapshot, snapshot + ".old");
            log.Append(Produced(1, 10));
        }

        File.Move(snapshot + ".old", snapshot, overwrite: true);
        using var reopened = PartitionLog.Open(dir.Path, options);
        Assert.Equal(10, reopened.Append(Produced(1, 10)).BaseOffset);
        Assert.Equal(11, reopened.LogEndOffset);
    }
}
