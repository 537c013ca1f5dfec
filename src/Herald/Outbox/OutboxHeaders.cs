using System.Text;
using System.Text.Json;

namespace Herald.Outbox;

/// <summary>Record headers as the stores keep them: one JSON object of text values (jsonb in PostgreSQL, text in SQLite).</summary>
internal static class OutboxHeaders
{
    public static string Serialize(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in headers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Deserialize(string json)
    {
        var headers = new List<KeyValuePair<string, string>>(8);
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            headers.Add(new(property.Name, property.Value.GetString() ?? ""));
        }

        return headers;
    }
}
