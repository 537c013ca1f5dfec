using System.Text.Json;
using Herald.Cli;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

/// <summary>The schema page and <c>herald schema check</c> / <c>herald schema diff</c> (run in-process) give the same answers.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SchemaCliAgreementTests(ConsoleFixture fixture) : IDisposable
{
    private static readonly string[] Levels = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"];

    private readonly SchemaRegistryRest registry = new(fixture.Server.RegistryAddress);
    private readonly string folder = Directory.CreateTempSubdirectory("herald-console-cli-").FullName;

    public void Dispose()
    {
        registry.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData("JSON", ".json")]
    [InlineData("AVRO", ".avsc")]
    public async Task Every_levels_verdict_and_every_field_change_match_the_cli(string type, string extension)
    {
        string[] versions = type == "JSON"
            ? [SchemaSamples.JsonV1, SchemaSamples.JsonV2, SchemaSamples.JsonV3]
            : [SchemaSamples.AvroV1, SchemaSamples.AvroV2, SchemaSamples.AvroV3];
        var subject = TestBroker.UniqueName("agree-" + type.ToLowerInvariant());
        await registry.SetCompatibilityAsync(subject, "NONE");
        await registry.RegisterAllAsync(subject, type, versions);
        var files = versions.Select((text, i) => Write($"v{i + 1}{extension}", text)).ToArray();

        await ConsolePage.RunAsync(fixture, "schemas-cli-" + type, async console =>
        {
            var page = console.Page;
            await console.GotoAsync($"/schemas/{Uri.EscapeDataString(subject)}?from=2&to=3");
            foreach (var level in Levels)
            {
                using var check = await RunCliJsonAsync("schema", "check", files[2], "--against", files[0], "--against", files[1], "--mode", level, "--json");
                var cliCompatible = check.RootElement.GetProperty("compatible").GetBoolean();
                var cliRules = check.RootElement.GetProperty("violations").EnumerateArray()
                    .Select(v => $"{v.GetProperty("direction").GetString()} {v.GetProperty("path").GetString()} {v.GetProperty("rule").GetString()}")
                    .Order(StringComparer.Ordinal)
                    .ToList();

                await Assertions.Expect(page.GetByTestId("verdict-" + level)).ToHaveTextAsync(cliCompatible ? "Compatible" : "Not compatible");
                var pageRules = new List<string>();
                foreach (var item in await page.Locator($"tr[data-level={level}] li").AllAsync())
                {
                    pageRules.Add($"{await item.GetAttributeAsync("data-direction")} {await item.GetAttributeAsync("data-path")} {await item.GetAttributeAsync("data-rule")}");
                }

                Assert.Equal(cliRules, pageRules.Order(StringComparer.Ordinal).ToList());
            }

            using var diff = await RunCliJsonAsync("schema", "diff", files[1], files[2], "--json");
            var cliChanges = diff.RootElement.GetProperty("changes").EnumerateArray()
                .Select(c => $"{c.GetProperty("path").GetString()} {Safe(c.GetProperty("backward").GetBoolean())} {Safe(c.GetProperty("forward").GetBoolean())}")
                .Order(StringComparer.Ordinal)
                .ToList();
            var pageChanges = new List<string>();
            foreach (var row in await page.Locator("table.changes tbody tr").AllAsync())
            {
                pageChanges.Add($"{await row.GetAttributeAsync("data-path")} {await row.GetAttributeAsync("data-backward")} {await row.GetAttributeAsync("data-forward")}");
            }

            Assert.NotEmpty(cliChanges);
            Assert.Equal(cliChanges, pageChanges.Order(StringComparer.Ordinal).ToList());
        });
    }

    private static string Safe(bool safe) => safe ? "safe" : "breaks";

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<JsonDocument> RunCliJsonAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await HeraldCli.RunAsync(args, stdout, stderr);
        Assert.True(exit is 0 or 1, $"herald {string.Join(' ', args)}: exit {exit}\n{stdout}\n{stderr}");
        return JsonDocument.Parse(stdout.ToString());
    }
}
