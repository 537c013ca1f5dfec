using Herald.Server;
using Herald.Testing;
using Herald.WebConsole;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

/// <summary>
/// A real Herald server (history sampled every second) and Debian's Chromium driven by Playwright through
/// <c>ExecutablePath</c> — never a browser download. Shared by every console test; tests use their own names.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Debian's browser; <c>.ci/run</c> installs the <c>chromium</c> package.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public HeraldServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress => Server.HttpAddress;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} not found: apt-get install -y --no-install-recommends chromium (bash .ci/run does)");
        }

        Server = await TestBroker.StartAsync(TestBroker.NewDataDirectory(), o => o with { Console = new ConsoleOptions { SampleInterval = TimeSpan.FromSeconds(1) } });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>xUnit collection: every console test class shares one server and one browser.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
