using Herald.Broker.Security;
using Herald.Server;
using Microsoft.Extensions.Logging;

namespace Herald.Testing;

/// <summary>
/// Herald servers started as <c>herald serve --auth --admin-user admin</c> on free loopback ports, with every log line
/// captured so tests can check that no password leaks.
/// </summary>
public static class SecureTestBroker
{
    /// <summary>The administrator every secure test server is started with.</summary>
    public const string AdminUser = "admin";

    /// <summary>The administrator's password: new per test run, so a leak of it into a log is unmistakable.</summary>
    public static readonly string AdminPassword = $"admin-secret-{Guid.NewGuid():N}";

    private static readonly Lazy<Task<HeraldServer>> SharedServer = new(() => StartAsync(TestBroker.NewDataDirectory(), SharedLogs));

    static SecureTestBroker()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (SharedServer.IsValueCreated && SharedServer.Value.IsCompletedSuccessfully)
            {
                SharedServer.Value.Result.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        };
    }

    /// <summary>One secure server shared by every test that does not restart it; tests use their own users, topics and groups.</summary>
    public static Task<HeraldServer> Shared => SharedServer.Value;

    /// <summary>Every line the shared server logged, at every level.</summary>
    public static CapturingLoggerProvider SharedLogs { get; } = new();

    /// <summary>Starts a dedicated secure server, for tests that restart it or change its authentication options.</summary>
    public static Task<HeraldServer> StartAsync(string dataDirectory, CapturingLoggerProvider? logs = null, Func<AuthenticationOptions, AuthenticationOptions>? configure = null) =>
        TestBroker.StartAsync(dataDirectory, options =>
        {
            var authentication = new AuthenticationOptions
            {
                Enabled = true,
                Administrator = new AdminUser(AdminUser, AdminPassword),
                // Failed logins are part of the tests: keep the throttle (tested on its own) from slowing the suite down.
                FailedLoginDelay = TimeSpan.FromMilliseconds(1),
                MaxFailedLoginDelay = TimeSpan.FromMilliseconds(20),
            };
            return options with
            {
                Authentication = configure?.Invoke(authentication) ?? authentication,
                ConfigureLogging = logging =>
                {
                    if (logs is null)
                    {
                        logging.SetMinimumLevel(LogLevel.Warning);
                        return;
                    }

                    // Debug too: a password must not leak at any level.
                    logging.ClearProviders();
                    logging.AddProvider(logs);
                    logging.SetMinimumLevel(LogLevel.Debug);
                },
            };
        });
}
