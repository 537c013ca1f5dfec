using Herald.Cdc.Connector;
using Herald.Testing;
using Npgsql;
using Npgsql.Replication;

namespace Herald.Cdc.Tests.Capture;

/// <summary>Setup mistakes fail with one line naming the problem and the fix.</summary>
public sealed class ErrorTests
{
    [Fact]
    public async Task A_table_without_primary_key_is_refused_with_the_fix()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE events (at timestamptz, body text)");
        var error = await Assert.ThrowsAsync<CdcConfigurationException>(() => context.StartAsync(context.Options("public.events")));
        Assert.Contains("public.events has no primary key", error.Message, StringComparison.Ordinal);
        Assert.Contains("ADD PRIMARY KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("REPLICA IDENTITY FULL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_table_without_primary_key_but_full_identity_is_captured_with_a_null_key()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE events (body text); ALTER TABLE events REPLICA IDENTITY FULL");
        await context.StartAsync(context.Options("events"));
        await context.ExecuteAsync("INSERT INTO events VALUES ('x'); DELETE FROM events");
        var records = context.Consume(context.Topic("events"), 2);
        Assert.Equal(["c", "d"], records.Select(r => r.Op));
        Assert.All(records, r => Assert.Null(r.Key));
        Assert.Equal("x", (string?)records[1].Envelope["before"]!["body"]);
    }

    [Fact]
    public async Task An_unknown_table_is_named()
    {
        await using var context = await CaptureContext.CreateAsync();
        var error = await Assert.ThrowsAsync<CdcConfigurationException>(() => context.StartAsync(context.Options("public.nope")));
        Assert.Contains("table public.nope does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("--tables", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_without_replication_is_refused_with_the_role_and_the_fix()
    {
        await using var context = await CaptureContext.CreateAsync();
        var role = "cdc_norepl_" + Guid.NewGuid().ToString("N")[..12];
        var database = new NpgsqlConnectionStringBuilder(context.ConnectionString).Database;

        // Everything capture needs but REPLICATION: it owns the database (publication, state table) and the table.
        await context.ExecuteAsync($"""
            CREATE ROLE {role} LOGIN NOSUPERUSER NOREPLICATION;
            ALTER DATABASE "{database}" OWNER TO {role};
            GRANT ALL ON SCHEMA public TO {role};
            CREATE TABLE items (id int PRIMARY KEY);
            ALTER TABLE items OWNER TO {role};
            """);
        Assert.False(await context.ScalarAsync<bool>($"SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = '{role}'"));
        var options = context.Options("items") with
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(context.ConnectionString) { Username = role }.ConnectionString,
        };

        var error = await Assert.ThrowsAsync<CdcConfigurationException>(() => context.StartAsync(options));
        Assert.Contains($"role {role} ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"ALTER ROLE {role} REPLICATION", error.Message, StringComparison.Ordinal);

        // The fix the message names is the only thing missing: with it, the same role captures.
        await context.ExecuteAsync($"ALTER ROLE {role} REPLICATION");
        var connector = await context.StartAsync(options);
        await context.ExecuteAsync("INSERT INTO items VALUES (1)");
        Assert.Equal("c", context.Consume(context.Topic("items"), 1).Single().Op);
        await context.StopAsync(connector);
    }

    [Fact]
    public async Task A_server_without_logical_wal_level_is_refused_with_the_setting_and_the_restart()
    {
        var error = await RefusedOnPrivateClusterAsync("wal_level=replica", async connection =>
        {
            await using var command = new NpgsqlCommand("SHOW wal_level; CREATE TABLE items (id int PRIMARY KEY)", connection);
            Assert.Equal("replica", (string?)await command.ExecuteScalarAsync());
        });
        Assert.Contains("wal_level=replica", error.Message, StringComparison.Ordinal);
        Assert.Contains("wal_level=logical", error.Message, StringComparison.Ordinal);
        Assert.Contains("restart", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_a_free_replication_slot_is_refused_with_the_fix()
    {
        var error = await RefusedOnPrivateClusterAsync("max_replication_slots=1", async connection =>
        {
            await using var table = new NpgsqlCommand("CREATE TABLE items (id int PRIMARY KEY)", connection);
            await table.ExecuteNonQueryAsync();
            await using var slot = new NpgsqlCommand("SELECT pg_create_logical_replication_slot('someone_else', 'pgoutput')", connection);
            await slot.ExecuteNonQueryAsync();
        });
        Assert.Contains("no free replication slot", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_replication_slots", error.Message, StringComparison.Ordinal);
        Assert.Contains("pg_drop_replication_slot", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts a private cluster with <paramref name="setting"/>, prepares a database with an <c>items</c> table, and returns how the connector refuses it.</summary>
    private static async Task<CdcConfigurationException> RefusedOnPrivateClusterAsync(string setting, Func<NpgsqlConnection, Task> prepare)
    {
        var cluster = await PostgresCluster.StartAsync(setting);
        try
        {
            var connectionString = await cluster.CreateDatabaseAsync("cdc_private");
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await prepare(connection);
            }

            var connector = new CdcConnector(new CdcConnectorOptions
            {
                ConnectionString = connectionString,
                Tables = ["items"],
                TopicPrefix = "t" + Guid.NewGuid().ToString("N")[..12],
                BootstrapServers = (await TestBroker.Shared).KafkaBootstrap,
            });
            return await Assert.ThrowsAsync<CdcConfigurationException>(() => connector.RunAsync().WaitAsync(CaptureContext.Timeout));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_slot_in_use_by_another_connection_names_its_pid()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY)");
        await context.ExecuteAsync($"SELECT pg_create_logical_replication_slot('{context.Slot}', 'pgoutput'); CREATE PUBLICATION {context.Slot} FOR TABLE items");

        // Another consumer streaming from the slot.
        await using var other = new LogicalReplicationConnection(context.ConnectionString);
        await other.Open();
        using var stopOther = new CancellationTokenSource();
        var otherStream = Task.Run(async () =>
        {
            var options = new Npgsql.Replication.PgOutput.PgOutputReplicationOptions(context.Slot, Npgsql.Replication.PgOutput.PgOutputProtocolVersion.V1);
            await foreach (var _ in other.StartReplication(new Npgsql.Replication.PgOutput.PgOutputReplicationSlot(context.Slot), options, stopOther.Token))
            {
            }
        });
        await CaptureContext.EventuallyAsync(async () => await context.ScalarAsync<bool>($"SELECT active FROM pg_replication_slots WHERE slot_name = '{context.Slot}'"), "the other consumer to hold the slot");
        var pid = await context.ScalarAsync<int>($"SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{context.Slot}'");

        var error = await Assert.ThrowsAsync<CdcConfigurationException>(() => context.StartAsync(context.Options("items")));
        Assert.Contains($"replication slot {context.Slot} is in use by another process (active_pid {pid})", error.Message, StringComparison.Ordinal);
        Assert.Contains("--slot", error.Message, StringComparison.Ordinal);

        await stopOther.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => otherStream);
    }

    [Fact]
    public async Task While_the_broker_is_down_the_slot_is_not_confirmed_past_the_unacknowledged_change()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY)");
        using var closed = new ClosedPort();
        var options = context.Options("items") with { BootstrapServers = closed.EndPoint };
        var connector = await context.StartAsync(options);

        // Inside the inserting transaction: a position past the insert's record, before its commit.
        var afterInsert = (ulong)await context.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("BEGIN; INSERT INTO items VALUES (1); SELECT pg_current_wal_insert_lsn(); COMMIT");

        // The change was decoded and handed to the producer, and several status updates went out since.
        await CaptureContext.EventuallyAsync(() => Task.FromResult(connector.Status.RecordsPublished == 1), "the change to be decoded");
        var updates = connector.Status.StatusUpdatesSent;
        await CaptureContext.EventuallyAsync(() => Task.FromResult(connector.Status.StatusUpdatesSent >= updates + 3), "status updates");

        // Writes to a table the connector does not capture move WAL on; an idle connector would confirm past them.
        await context.ExecuteAsync("CREATE TABLE other (id int); INSERT INTO other VALUES (1)");
        updates = connector.Status.StatusUpdatesSent;
        await CaptureContext.EventuallyAsync(() => Task.FromResult(connector.Status.StatusUpdatesSent >= updates + 3), "more status updates");

        Assert.Equal(0, connector.Status.RecordsAcknowledged);
        var confirmed = await context.ConfirmedFlushLsnAsync();
        Assert.True(confirmed < afterInsert, $"confirmed_flush_lsn {confirmed} moved past the unacknowledged insert (at {afterInsert})");
    }
}
