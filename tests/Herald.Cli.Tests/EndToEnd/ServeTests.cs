namespace Herald.Cli.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class ServeTests
{
    [Fact]
    public async Task Serve_prints_one_ready_line_and_exits_zero_when_cancelled()
    {
        var data = Path.Combine(Path.GetTempPath(), "herald-cli-serve-" + Guid.NewGuid().ToString("N"));
        var stdout = new SynchronizedStringWriter();
        var stderr = new SynchronizedStringWriter();
        using var stop = new CancellationTokenSource();
        var console = new CliConsole(TextReader.Null, stdout, stderr);

        var serve = HeraldCli.RunAsync(["serve", "--data", data, "--kafka", "127.0.0.1:0", "--registry", "127.0.0.1:0", "--http", "127.0.0.1:0"], console, stop.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!stdout.ToString().Contains('\n', StringComparison.Ordinal) && !serve.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var ready = stdout.ToString();
        await stop.CancelAsync();
        var exitCode = await serve.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        var line = Assert.Single(ready.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("herald ready: kafka 127.0.0.1:", line, StringComparison.Ordinal);
        Assert.Contains("http http://127.0.0.1:", line, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    private sealed class SynchronizedStringWriter : StringWriter
    {
        private readonly Lock gate = new();

        public override void Write(char value)
        {
            lock (gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (gate)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (gate)
            {
                base.WriteLine(value);
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override string ToString()
        {
            lock (gate)
            {
                return base.ToString();
            }
        }
    }
}
