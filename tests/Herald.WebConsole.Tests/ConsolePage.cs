using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

/// <summary>
/// One browser page on the console that fails the test when the page logs a console error or any response is a 5xx,
/// and saves a screenshot under <c>artifacts/console-failures/</c> when the test fails.
/// </summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private readonly List<string> _problems = [];
    private readonly IBrowserContext _context;
    private readonly string _name;

    private ConsolePage(IBrowserContext context, IPage page, string name)
    {
        _context = context;
        Page = page;
        _name = name;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_problems)
                {
                    _problems.Add($"console error: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_problems)
            {
                _problems.Add($"page error: {error}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                lock (_problems)
                {
                    _problems.Add($"HTTP {response.Status} from {response.Url}");
                }
            }
        };
    }

    public IPage Page { get; }

    /// <summary>
    /// Runs <paramref name="test"/> on a fresh page (own cookies) at 1,280 × 800, or a phone width when <paramref name="phone"/>;
    /// on failure saves a screenshot named <paramref name="name"/>, then checks the page logged no error and saw no 5xx.
    /// The page opens the fixture's server, or <paramref name="server"/> when given (a server started with other options).
    /// </summary>
    public static async Task RunAsync(ConsoleFixture fixture, string name, Func<ConsolePage, Task> test, bool phone = false, Uri? server = null)
    {
        await using var page = await OpenAsync(fixture, name, phone, server ?? fixture.BaseAddress);
        try
        {
            await test(page);
        }
        catch
        {
            await page.SaveFailureScreenshotAsync();
            throw;
        }

        page.AssertNoProblems();
    }

    private static async Task<ConsolePage> OpenAsync(ConsoleFixture fixture, string name, bool phone, Uri server)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 800 },
        });
        return new ConsolePage(context, await context.NewPageAsync(), name);
    }

    /// <summary>Navigates to <paramref name="path"/> and checks the response is 200.</summary>
    public async Task GotoAsync(string path)
    {
        var response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.True(response is { Status: 200 }, $"GET {path} answered {response?.Status}");
    }

    /// <summary>Fails when the page logged an error or a response was a 5xx.</summary>
    public void AssertNoProblems()
    {
        lock (_problems)
        {
            Assert.True(_problems.Count == 0, string.Join('\n', _problems));
        }
    }

    /// <summary>Saves a screenshot of the whole page to <paramref name="path"/>.</summary>
    public Task ScreenshotAsync(string path) => Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });

    private async Task SaveFailureScreenshotAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "artifacts", "console-failures");
        Directory.CreateDirectory(folder);
        try
        {
            await ScreenshotAsync(Path.Combine(folder, _name + ".png"));
        }
        catch (PlaywrightException)
        {
            // The page may already be gone; the assertion says what failed.
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
