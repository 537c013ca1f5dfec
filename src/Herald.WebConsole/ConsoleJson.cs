using System.Text.Encodings.Web;
using System.Text.Json;

namespace Herald.WebConsole;

/// <summary>The console's JSON: snake_case like the monitoring API.</summary>
internal static class ConsoleJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
