namespace Herald.WebConsole.Tests;

/// <summary>
/// Saves the documentation's screenshots (<c>docs/console/NAME.png</c>, 1,280 px wide) when the run asks for them with
/// <c>HERALD_CONSOLE_SCREENSHOTS=1</c>; otherwise does nothing, so ordinary test runs leave the work tree clean.
/// </summary>
internal static class ConsoleScreenshots
{
    public static async Task SaveAsync(ConsolePage console, string name)
    {
        if (Environment.GetEnvironmentVariable("HERALD_CONSOLE_SCREENSHOTS") != "1")
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Herald.slnx")))
        {
            root = root.Parent;
        }

        var folder = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Herald.slnx not found above the test binaries"), "docs", "console");
        Directory.CreateDirectory(folder);
        await console.ScreenshotAsync(Path.Combine(folder, name + ".png"));
    }
}
