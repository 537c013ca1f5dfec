using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Sagas;

/// <summary>The JSON columns the stores share: <c>emitted</c> and <c>expected_events</c>, and the <c>kind</c> names.</summary>
internal static class SagaJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Emitted(IReadOnlyList<SagaEmission> emitted) => JsonSerializer.Serialize(emitted, Options);

    public static IReadOnlyList<SagaEmission> Emitted(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<SagaEmission>>(json, Options) ?? [];

    public static string Names(IReadOnlyList<string> names) => JsonSerializer.Serialize(names, Options);

    public static IReadOnlyList<string> Names(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<string>>(json, Options) ?? [];

    public static string Kind(SagaHistoryKind kind) => kind.ToString().ToLowerInvariant();

    public static SagaHistoryKind Kind(string kind) => Enum.Parse<SagaHistoryKind>(kind, ignoreCase: true);
}
