using Herald.Cdc.Transforms;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;

namespace Herald.Cdc.Connector;

/// <summary>
/// Captures changes of PostgreSQL tables through logical replication (pgoutput) and publishes them as Debezium change
/// events: creates or reuses the publication and the slot, snapshots existing rows on first start, then streams.
/// </summary>
/// <remarks>
/// <para>Delivery is at-least-once: the slot's confirmed position moves only past transactions whose records the broker
/// acknowledged (acks=all, idempotent producer), so a crash re-sends at most the unconfirmed tail; duplicates carry the
/// same <c>source.lsn</c>.</para>
/// <para>Snapshot completion is recorded in <see cref="CdcConnectorOptions.StateTable"/> in the source database, next
/// to the slot it belongs to: a restart before that row exists drops the slot and snapshots again.</para>
/// </remarks>
public sealed partial class CdcConnector
{
    private readonly ILogger _logger;
    private readonly IChangeTransform _transform;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CdcPublisher? _publisher;
    private volatile CdcPhase _phase = CdcPhase.Starting;
    private long _snapshotRows;
    private long _lastProcessedLsn;
    private long _confirmedLsn;
    private long _statusUpdates;

    /// <summary>Creates a connector; nothing happens until <see cref="RunAsync"/>.</summary>
    /// <param name="options">What to capture and where to publish it.</param>
    /// <param name="logger">Progress and warnings (e.g. broker unreachable); none when null.</param>
    public CdcConnector(CdcConnectorOptions options, ILogger<CdcConnector>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Tables.Count == 0)
        {
            throw new ArgumentException("at least one table is needed", nameof(options));
        }

        Options = options;
        _logger = logger ?? NullLogger<CdcConnector>.Instance;
        _transform = options.Transform ?? new EnvelopeTransform();
    }

    /// <summary>The options the connector runs with.</summary>
    public CdcConnectorOptions Options { get; }

    /// <summary>Completes when streaming from the slot begins (after the snapshot, if one runs).</summary>
    public Task Ready => _ready.Task;

    /// <summary>The connector's progress.</summary>
    public CdcConnectorStatus Status => new(
        _phase,
        Options.EffectiveSlotName,
        Interlocked.Read(ref _snapshotRows),
        (ulong)Interlocked.Read(ref _lastProcessedLsn),
        (ulong)Interlocked.Read(ref _confirmedLsn),
        _publisher?.Tracker.Published ?? 0,
        _publisher?.Tracker.Acknowledged ?? 0,
        Interlocked.Read(ref _statusUpdates),
        _publisher?.BrokerError);

    /// <summary>Captures until <paramref name="cancellationToken"/> is cancelled, then confirms what was acknowledged and returns.</summary>
    /// <param name="cancellationToken">Stops the connector.</param>
    /// <exception cref="CdcConfigurationException">The server or the tables are not set up for capture; the message says how to fix it.</exception>
    /// <exception cref="CdcException">Capture failed (e.g. the broker refused a record for good).</exception>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (PostgresException e)
        {
            _ready.TrySetException(e);
            throw Describe(e);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            throw new CdcException($"cannot reach PostgreSQL: {e.Message}{(e.InnerException is { } inner ? " (" + inner.Message + ")" : "")}; check --postgres and that the server is up", e) { IsTransient = true };
        }
        catch (Exception e)
        {
            _ready.TrySetException(e);
            throw;
        }
        finally
        {
            _logger.LogDebug("stopped");
            _phase = CdcPhase.Stopped;
            _ready.TrySetCanceled(CancellationToken.None);
            _publisher?.Dispose();
        }
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        var slotName = Options.EffectiveSlotName;
        var catalog = new TableCatalog(Options.TopicPrefix);
        await using var dataSource = NpgsqlDataSource.Create(SessionSettings.Apply(Options.ConnectionString, "herald-cdc"));
        IReadOnlyList<CapturedTable> tables;
        string database;
        SlotInfo slot;
        bool snapshotDone;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await SlotManager.CheckServerAsync(connection, cancellationToken).ConfigureAwait(false);
            tables = await catalog.ResolveAsync(connection, Options.Tables, cancellationToken).ConfigureAwait(false);
            database = connection.Database;
            await SlotManager.EnsurePublicationAsync(connection, Options.EffectivePublicationName, tables, cancellationToken).ConfigureAwait(false);
            await SlotManager.EnsureStateTableAsync(connection, Options.StateTable, cancellationToken).ConfigureAwait(false);
            slot = await SlotManager.GetSlotAsync(connection, slotName, cancellationToken).ConfigureAwait(false);
            if (slot.Active)
            {
                throw SlotManager.SlotInUse(slotName, slot.ActivePid);
            }

            if (slot.Exists && slot.Plugin != "pgoutput")
            {
                throw new CdcConfigurationException($"replication slot {slotName} uses the {slot.Plugin} plugin, not pgoutput: choose another --slot, or drop it with SELECT pg_drop_replication_slot('{slotName}')");
            }

            snapshotDone = slot.Exists && await SlotManager.IsSnapshotCompleteAsync(connection, Options.StateTable, slotName, cancellationToken).ConfigureAwait(false);
        }

        _publisher = new CdcPublisher(Options.BootstrapServers, Options.ConfigureProducer, error =>
            _logger.LogWarning("broker: {Error}; retrying, and the slot is not confirmed past unacknowledged changes", error));
        var replication = new LogicalReplicationConnection(SessionSettings.Apply(Options.ConnectionString, "herald-cdc"))
        {
            WalReceiverStatusInterval = Options.StatusInterval,
        };
        await using (replication.ConfigureAwait(false))
        {
            await replication.Open(cancellationToken).ConfigureAwait(false);
            PgOutputReplicationSlot replicationSlot;
            if (slot.Exists && (snapshotDone || !Options.InitialSnapshot))
            {
                _logger.LogInformation("resuming slot {Slot} from its confirmed position {Lsn}", slotName, slot.ConfirmedFlushLsn);
                replicationSlot = new PgOutputReplicationSlot(slotName);
            }
            else
            {
                replicationSlot = await CreateSlotAndSnapshotAsync(replication, dataSource, slot.Exists, tables, database, cancellationToken).ConfigureAwait(false);
            }

            await StreamAsync(replication, replicationSlot, dataSource, catalog, tables, database, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Maps the server errors an operator can fix to one line naming the fix.</summary>
    private CdcException Describe(PostgresException e) => e.SqlState switch
    {
        PostgresErrorCodes.ObjectInUse => SlotManager.SlotInUse(Options.EffectiveSlotName, ParsePid(e.MessageText)),
        PostgresErrorCodes.InvalidAuthorizationSpecification or PostgresErrorCodes.InvalidPassword =>
            new CdcConfigurationException($"PostgreSQL refused the connection ({e.MessageText}): allow the role to connect in pg_hba.conf, including a 'replication' line for replication connections"),
        PostgresErrorCodes.InsufficientPrivilege =>
            new CdcConfigurationException($"permission denied ({e.MessageText}): the role needs REPLICATION (ALTER ROLE <role> REPLICATION) and ownership of the captured tables to create the publication"),
        PostgresErrorCodes.ObjectNotInPrerequisiteState when e.MessageText.Contains("wal_level", StringComparison.Ordinal) =>
            new CdcConfigurationException("logical decoding requires wal_level=logical: set wal_level=logical in postgresql.conf and restart PostgreSQL"),
        PostgresErrorCodes.ConfigurationLimitExceeded when e.MessageText.Contains("replication slots", StringComparison.Ordinal) =>
            new CdcConfigurationException($"PostgreSQL has no free replication slot ({e.MessageText}): drop unused ones (SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active — check first that nothing needs them) or raise max_replication_slots and restart"),
        _ => new CdcException($"PostgreSQL error {e.SqlState}: {e.MessageText}", e),
    };

    private static int? ParsePid(string message)
    {
        var digits = new string(message.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }
}
