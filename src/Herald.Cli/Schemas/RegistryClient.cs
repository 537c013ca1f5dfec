using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;

namespace Herald.Cli.Schemas;

/// <summary>The few Confluent Schema Registry REST calls the <c>schema</c> commands make.</summary>
internal sealed class RegistryClient : IDisposable
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient http;

    public RegistryClient(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw CliException.BadInput($"invalid --registry URL '{url}': expected e.g. {CommonOptions.DefaultRegistry}");
        }

        Address = url.TrimEnd('/');
        http = new HttpClient { BaseAddress = new Uri(Address + "/"), Timeout = RequestTimeout };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(ContentType));
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>The registry's base URL as given, without a trailing slash.</summary>
    public string Address { get; }

    /// <summary>One response: the HTTP status and the JSON body (null when there is none).</summary>
    public sealed record Response(HttpStatusCode Status, JsonNode? Body)
    {
        public bool IsSuccess => (int)Status is >= 200 and < 300;

        /// <summary>Confluent's <c>error_code</c>, or the HTTP status when the body has none.</summary>
        public int ErrorCode => Body?["error_code"]?.GetValueKind() == JsonValueKind.Number ? Body["error_code"]!.GetValue<int>() : (int)Status;

        /// <summary>Confluent's <c>message</c>, on one line.</summary>
        public string Message => SchemaFile.OneLine(Body?["message"]?.GetValueKind() == JsonValueKind.String ? Body["message"]!.GetValue<string>() : Status.ToString());
    }

    /// <summary>POST <c>/subjects/{subject}/versions</c>: registers a schema; the whole record comes back (id and version).</summary>
    public Task<Response> RegisterAsync(string subject, SchemaFile file, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["schema"] = file.Text, ["schemaType"] = SchemaFormats.ToWireName(file.Type) };
        return SendAsync(HttpMethod.Post, $"subjects/{Escape(subject)}/versions", body, cancellationToken);
    }

    /// <summary>Every live version of <paramref name="subject"/>, oldest first, parsed; null when the subject does not exist.</summary>
    public async Task<IReadOnlyList<(int Version, ParsedSchema Schema)>?> GetVersionsAsync(string subject, CancellationToken cancellationToken)
    {
        var listed = await SendAsync(HttpMethod.Get, $"subjects/{Escape(subject)}/versions", null, cancellationToken).ConfigureAwait(false);
        if (listed.Status == HttpStatusCode.NotFound && listed.ErrorCode == 40401)
        {
            return null;
        }

        var numbers = Expect(listed).AsArray().Select(v => v!.GetValue<int>()).Order().ToList();
        var versions = new List<(int, ParsedSchema)>();
        foreach (var number in numbers)
        {
            var (text, type, references) = await GetVersionAsync(subject, number, cancellationToken).ConfigureAwait(false);
            var resolved = await ResolveReferencesAsync(references, cancellationToken).ConfigureAwait(false);
            versions.Add((number, SchemaFile.Parse(text, type, $"subject '{subject}' version {number}", resolved)));
        }

        return versions;
    }

    /// <summary>GET <c>/config/{subject}?defaultToGlobal=true</c>: the level and policy registration would apply.</summary>
    public async Task<(CompatibilityLevel Level, CompatibilityPolicy Policy)> GetCompatibilityAsync(string subject, CancellationToken cancellationToken)
    {
        var body = Expect(await SendAsync(HttpMethod.Get, $"config/{Escape(subject)}?defaultToGlobal=true", null, cancellationToken).ConfigureAwait(false));
        var levelText = body["compatibilityLevel"]?.GetValue<string>() ?? body["compatibility"]?.GetValue<string>();
        var level = CompatibilityLevels.TryParse(levelText, out var parsed) ? parsed : CompatibilityLevel.Backward;
        var policy = SchemaOptions.ParsePolicy(body["compatibilityPolicy"]?.GetValue<string>()) ?? CompatibilityPolicy.Strict;
        return (level, policy);
    }

    /// <summary>A failure the registry answered with: its status and message, exit 1.</summary>
    public CliException Failure(Response response) =>
        new($"schema registry at {Address} answered {(int)response.Status}: {response.Message}");

    public void Dispose() => http.Dispose();

    private async Task<(string Text, SchemaType Type, List<(string Name, string Subject, int Version)> References)> GetVersionAsync(string subject, int version, CancellationToken cancellationToken)
    {
        var body = Expect(await SendAsync(HttpMethod.Get, $"subjects/{Escape(subject)}/versions/{version.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken).ConfigureAwait(false));
        var typeName = body["schemaType"]?.GetValue<string>();
        if (!SchemaFormats.TryParseType(typeName, out var type))
        {
            throw new CliException($"subject '{subject}' version {version} has schema type '{typeName}', which herald does not know");
        }

        var references = (body["references"] as JsonArray ?? [])
            .Select(r => (r!["name"]!.GetValue<string>(), r["subject"]!.GetValue<string>(), r["version"]!.GetValue<int>()))
            .ToList();
        return (body["schema"]?.GetValue<string>() ?? string.Empty, type, references);
    }

    /// <summary>Fetches every schema a version references, transitively, by reference name (what the format's parser expects).</summary>
    private async Task<Dictionary<string, string>> ResolveReferencesAsync(List<(string Name, string Subject, int Version)> references, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<(string Name, string Subject, int Version)>(references);
        var seen = new HashSet<(string, int)>();
        while (pending.Count > 0)
        {
            var reference = pending.Pop();
            if (!seen.Add((reference.Subject, reference.Version)))
            {
                continue;
            }

            var (text, _, nested) = await GetVersionAsync(reference.Subject, reference.Version, cancellationToken).ConfigureAwait(false);
            resolved[reference.Name] = text;
            nested.ForEach(pending.Push);
        }

        return resolved;
    }

    private JsonNode Expect(Response response) =>
        response.IsSuccess && response.Body is not null ? response.Body : throw Failure(response);

    private async Task<Response> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);

            // Confluent answers a registration with just the id unless the client accepts the whole record.
            request.Headers.Add("Confluent-Accept-Unknown-Properties", "true");
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonNode? parsed = null;
            try
            {
                parsed = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's error page): the status alone tells the story.
            }

            return new Response(response.StatusCode, parsed);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach schema registry at {Address}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"schema registry at {Address} did not answer within {RequestTimeout.TotalSeconds:0} s", e);
        }
    }

    private static string Escape(string subject) => Uri.EscapeDataString(subject);
}
