using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Herald.Server;
using Microsoft.Extensions.Logging;

namespace Herald.Benchmarks.Registry;

/// <summary>
/// Schema registry latency and throughput over real HTTP: register (each a FULL_TRANSITIVE check against every
/// earlier version), lookup by id, lookup by schema, and compatibility checks per second for a subject with
/// 100 versions; plus the in-process checker rate without HTTP.
/// </summary>
public static class RegistryCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int versions = Argument(args, "--versions", 100);
        int lookups = Argument(args, "--lookups", 10_000);
        int checks = Argument(args, "--checks", 200);
        var data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "herald-registry-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await using var server = await HeraldServer.StartAsync(new HeraldServerOptions
            {
                DataDirectory = data,
                KafkaListen = "127.0.0.1:0",
                HttpListen = "127.0.0.1:0",
                RegistryListen = "127.0.0.1:0",
                ConfigureLogging = l => l.SetMinimumLevel(LogLevel.Warning),
            });
            using var http = new HttpClient { BaseAddress = server.RegistryAddress };
            const string subject = "bench-value";
            await SendAsync(http, HttpMethod.Put, $"config/{subject}", """{"compatibility":"FULL_TRANSITIVE"}""");

            var register = new List<double>(versions);
            var ids = new List<int>(versions);
            for (int v = 1; v <= versions; v++)
            {
                var started = Stopwatch.GetTimestamp();
                var body = await SendAsync(http, HttpMethod.Post, $"subjects/{subject}/versions", Body(AvroVersion(v)));
                register.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                ids.Add(JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt32());
            }

            // Warm up, then measure reads.
            for (int i = 0; i < 200; i++)
            {
                await SendAsync(http, HttpMethod.Get, $"schemas/ids/{ids[i % ids.Count]}");
            }

            var byId = new List<double>(lookups);
            for (int i = 0; i < lookups; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await SendAsync(http, HttpMethod.Get, $"schemas/ids/{ids[i % ids.Count]}");
                byId.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var bySchema = new List<double>(lookups / 10);
            for (int i = 0; i < lookups / 10; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await SendAsync(http, HttpMethod.Post, $"subjects/{subject}", Body(AvroVersion((i % versions) + 1)));
                bySchema.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var candidate = Body(AvroVersion(versions + 1));
            var checkWatch = Stopwatch.StartNew();
            for (int i = 0; i < checks; i++)
            {
                var result = await SendAsync(http, HttpMethod.Post, $"compatibility/subjects/{subject}/versions", candidate);
                if (!result.Contains("true", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"the candidate should be compatible: {result}");
                }
            }

            double httpChecksPerSecond = checks / checkWatch.Elapsed.TotalSeconds;

            var formats = new SchemaFormats(SchemaFormatCatalog.All);
            var history = Enumerable.Range(1, versions).Select(v => (v, formats.Parse(SchemaType.Avro, AvroVersion(v), new Dictionary<string, string>()))).ToList();
            var parsedCandidate = formats.Parse(SchemaType.Avro, AvroVersion(versions + 1), new Dictionary<string, string>());
            var checker = new CompatibilityChecker(formats);
            var inProcess = Stopwatch.StartNew();
            int inProcessChecks = 0;
            while (inProcess.Elapsed < TimeSpan.FromSeconds(3))
            {
                if (!checker.Check(parsedCandidate, history, CompatibilityLevel.FullTransitive).IsCompatible)
                {
                    throw new InvalidOperationException("the candidate should be compatible");
                }

                inProcessChecks++;
            }

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"Schema registry, Avro subject with {versions} versions at FULL_TRANSITIVE, HTTP over loopback, {Environment.ProcessorCount} cores");
            report.AppendLine();
            report.AppendLine("| Operation | Count | p50 ms | p99 ms | max ms |");
            report.AppendLine("|---|--:|--:|--:|--:|");
            report.AppendLine(Row("register (checks all earlier versions both ways)", register));
            report.AppendLine(Row("GET /schemas/ids/{id}", byId));
            report.AppendLine(Row("POST /subjects/{s} (lookup by schema)", bySchema));
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Compatibility checks of a new version against all {versions} versions (FULL_TRANSITIVE): {httpChecksPerSecond:N0}/s over HTTP, {inProcessChecks / inProcess.Elapsed.TotalSeconds:N0}/s in process ({2 * versions} schema comparisons each).");
            Console.WriteLine(report.ToString());
            return 0;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Version v of a record that gains one optional field (with a default) per version: FULL compatible with all.</summary>
    private static string AvroVersion(int version)
    {
        var fields = new StringBuilder("""{"name":"id","type":"string"}""");
        for (int f = 2; f <= version; f++)
        {
            fields.Append(CultureInfo.InvariantCulture, $$""",{"name":"field{{f}}","type":["null","string"],"default":null}""");
        }

        return $$"""{"type":"record","name":"Order","namespace":"bench","fields":[{{fields}}]}""";
    }

    private static string Body(string schema) => JsonSerializer.Serialize(new { schema });

    private static async Task<string> SendAsync(HttpClient http, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        }

        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text;
    }

    private static string Row(string name, List<double> samples)
    {
        samples.Sort();
        double Percentile(double p) => samples[Math.Clamp((int)Math.Ceiling(p * samples.Count) - 1, 0, samples.Count - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {samples.Count:N0} | {Percentile(0.50):0.00} | {Percentile(0.99):0.00} | {samples[^1]:0.00} |");
    }

    private static int Argument(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
    }
}
