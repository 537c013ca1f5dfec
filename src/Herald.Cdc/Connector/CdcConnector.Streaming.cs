using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace Herald.Cdc.Connector;

public sealed partial class CdcConnector
{
    private static readonly TimeSpan StopFlushTimeout = TimeSpan.FromSeconds(5);
    private long _messagesProcessed;
    private volatile bool _inTransaction;

    private async Task StreamAsync(
        LogicalReplicationConnection replication, PgOutputReplicationSlot slot, NpgsqlDataSource dataSource, TableCatalog catalog,
        IReadOnlyList<CapturedTable> tables, string database, CancellationToken cancellationToken)
    {
        var publisher = _publisher!;
        var decoder = new PgOutputDecoder(catalog, dataSource, Options.TopicPrefix, database, tables.Select(t => t.Oid).ToHashSet());

        // The stream has its own token: on shutdown the status loop first confirms what the broker acknowledged
        // (status updates need the stream open), then stops the stream.
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken.None);
        var statusLoop = Task.Run(() => StatusLoopAsync(replication, publisher, dataSource, stream, cancellationToken), CancellationToken.None);
        _phase = CdcPhase.Streaming;
        var options = new PgOutputReplicationOptions(Options.EffectivePublicationName, PgOutputProtocolVersion.V1);
        try
        {
            _ready.TrySetResult();
            await foreach (var message in replication.StartReplication(slot, options, stream.Token).ConfigureAwait(false))
            {
                publisher.ThrowIfFailed();
                var changes = await decoder.DecodeAsync(message, stream.Token).ConfigureAwait(false);
                foreach (var change in changes)
                {
                    foreach (var record in _transform.Apply(change, TopicOf(change)))
                    {
                        await publisher.PublishAsync(record, stream.Token).ConfigureAwait(false);
                    }
                }

                if (message is CommitMessage commit)
                {
                    publisher.Checkpoint((ulong)commit.TransactionEndLsn);
                    SetMax(ref _lastProcessedLsn, (ulong)commit.TransactionEndLsn);
                }
                else if (changes.Count > 0)
                {
                    SetMax(ref _lastProcessedLsn, (ulong)message.WalStart);
                }

                _inTransaction = decoder.InTransaction;
                Interlocked.Increment(ref _messagesProcessed);
            }
        }
        catch (OperationCanceledException) when (stream.IsCancellationRequested && cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _logger.LogDebug("stream ended");
            await stream.CancelAsync().ConfigureAwait(false);
            await statusLoop.ConfigureAwait(false);
            _logger.LogDebug("status loop joined");
        }
    }

    /// <summary>
    /// Confirms acknowledged transactions to the slot every <see cref="CdcConnectorOptions.StatusInterval"/>, and on an
    /// idle stream the server's WAL position too, so a quiet database does not pin WAL.
    /// </summary>
    private async Task StatusLoopAsync(LogicalReplicationConnection replication, CdcPublisher publisher, NpgsqlDataSource dataSource, CancellationTokenSource stream, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stream.Token);
        using var timer = new PeriodicTimer(Options.StatusInterval);
        ulong saved = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false))
            {
                // A failed tick is not fatal: Npgsql's own timer keeps sending the position set here, and the next
                // tick retries (e.g. START_REPLICATION not sent yet, or a brief outage of the state-table connection).
                try
                {
                    await ReportAsync(replication, publisher, stopping.Token).ConfigureAwait(false);
                    saved = await SaveLastLsnAsync(dataSource, saved, stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogDebug(e, "status tick failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        _logger.LogDebug("status loop ended (stream cancelled: {Cancelled})", stream.IsCancellationRequested);
        if (!stream.IsCancellationRequested)
        {
            // Shutting down: let in-flight records be acknowledged so the restart resends as little as possible.
            try
            {
                using var flush = new CancellationTokenSource(StopFlushTimeout);
                await publisher.FlushAsync(flush.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or CdcException)
            {
                _logger.LogWarning("stopping with unacknowledged records; they will be captured again after a restart");
            }

            try
            {
                await ReportAsync(replication, publisher, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning(e, "final status update failed");
            }

            _logger.LogDebug("confirmed {Lsn} on stop; ending the stream", Interlocked.Read(ref _confirmedLsn));
            await stream.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task ReportAsync(LogicalReplicationConnection replication, CdcPublisher publisher, CancellationToken cancellationToken)
    {
        var lsn = publisher.Tracker.ConfirmableLsn;

        // Idle: everything decoded is acknowledged and no transaction is open, so WAL up to what the server last told
        // us (a keepalive's WAL end) holds nothing for us. The order matters: the received position is read first and
        // the message counter checked after, so a message that arrived in between (whose XLogData header already
        // moved LastReceivedLsn) disqualifies the sample.
        var processed = Interlocked.Read(ref _messagesProcessed);
        var received = (ulong)replication.LastReceivedLsn;
        if (!_inTransaction && publisher.Tracker.AllAcknowledged && Interlocked.Read(ref _messagesProcessed) == processed)
        {
            lsn = Math.Max(lsn, received);
        }

        if (lsn > (ulong)Interlocked.Read(ref _confirmedLsn))
        {
            Interlocked.Exchange(ref _confirmedLsn, (long)lsn);
        }

        var confirmed = (ulong)Interlocked.Read(ref _confirmedLsn);
        if (confirmed > 0)
        {
            replication.SetReplicationStatus(new NpgsqlLogSequenceNumber(confirmed));
        }

        // Throws InvalidOperationException until START_REPLICATION is under way; the caller retries on the next tick.
        await replication.SendStatusUpdate(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _statusUpdates);
    }

    private async Task<ulong> SaveLastLsnAsync(NpgsqlDataSource dataSource, ulong saved, CancellationToken cancellationToken)
    {
        // Only after new changes: writing on every tick would itself generate WAL on an idle database.
        var last = (ulong)Interlocked.Read(ref _lastProcessedLsn);
        if (last <= saved)
        {
            return saved;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SlotManager.SaveLastLsnAsync(connection, Options.StateTable, Options.EffectiveSlotName, last, cancellationToken).ConfigureAwait(false);
        return last;
    }

    private static void SetMax(ref long field, ulong value)
    {
        if (value > (ulong)Interlocked.Read(ref field))
        {
            Interlocked.Exchange(ref field, (long)value);
        }
    }
}
