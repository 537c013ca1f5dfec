using Npgsql;

namespace Herald.Cdc.Connector;

/// <summary>
/// Pins the settings that shape PostgreSQL's text output on both the replication and the snapshot connection, so the
/// snapshot's <c>::text</c> values and pgoutput's text values parse the same way whatever postgresql.conf says.
/// </summary>
internal static class SessionSettings
{
    private const string Options = "-c DateStyle=ISO -c IntervalStyle=iso_8601 -c bytea_output=hex -c extra_float_digits=1";

    /// <summary><paramref name="connectionString"/> with the pinned settings added to its startup options.</summary>
    public static string Apply(string connectionString, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? Options : builder.Options + " " + Options;
        builder.ApplicationName ??= applicationName;
        return builder.ConnectionString;
    }
}
