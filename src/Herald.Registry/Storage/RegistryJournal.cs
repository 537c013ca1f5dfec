using System.Text;
using System.Text.Json;

namespace Herald.Registry.Storage;

/// <summary>
/// The registry's durable storage: an append-only file of JSON lines in the data folder
/// (<c>registry/registry.log</c>), replayed on start. A line is written and flushed before the
/// request that caused it is answered; a torn last line (a crash mid-write) is cut off on start.
/// </summary>
internal sealed class RegistryJournal : IDisposable
{
    private readonly FileStream _file;
    private readonly bool _fsync;

    private RegistryJournal(FileStream file, bool fsync)
    {
        _file = file;
        _fsync = fsync;
    }

    /// <summary>Opens (or creates) the journal and returns the entries already in it.</summary>
    public static RegistryJournal Open(string directory, bool fsync, Action<string> warn, out List<RegistryEntry> entries)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "registry.log");
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        entries = [];
        long good = 0;
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        int start = 0;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                break;
            }

            try
            {
                entries.Add(JsonSerializer.Deserialize<RegistryEntry>(bytes.AsSpan(start, end - start))
                    ?? throw new JsonException("empty line"));
            }
            catch (JsonException ex)
            {
                warn($"registry journal {path}: line at byte {start} is damaged ({ex.Message}); dropping it and everything after it");
                break;
            }

            start = end + 1;
            good = start;
        }

        if (good < bytes.Length)
        {
            if (start >= bytes.Length || Array.IndexOf(bytes, (byte)'\n', start) < 0)
            {
                warn($"registry journal {path}: dropping {bytes.Length - good} bytes of an unfinished last line");
            }

            file.SetLength(good);
        }

        file.Seek(0, SeekOrigin.End);
        return new RegistryJournal(file, fsync);
    }

    public void Append(RegistryEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry);
        var buffer = new byte[line.Length + 1];
        line.CopyTo(buffer, 0);
        buffer[^1] = (byte)'\n';
        _file.Write(buffer);
        _file.Flush(flushToDisk: _fsync);
    }

    public void Dispose() => _file.Dispose();

    internal static string Describe(RegistryEntry entry) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(entry));
}
