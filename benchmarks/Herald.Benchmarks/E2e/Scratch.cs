using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Herald.Benchmarks.E2e;

/// <summary>Free loopback ports and temporary data folders that are deleted at the end, even on Ctrl-C.</summary>
public static class Scratch
{
    private static readonly ConcurrentDictionary<string, bool> Directories = new();

    static Scratch() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll();

    /// <summary>A loopback TCP port that was free a moment ago.</summary>
    public static int FreePort() => FreePorts(1)[0];

    /// <summary><paramref name="count"/> distinct loopback TCP ports that were free a moment ago.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            // Held open together, so no port is handed out twice.
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    /// <summary>Creates an empty temporary folder.</summary>
    public static string CreateDirectory(string prefix)
    {
        var path = Directory.CreateTempSubdirectory(prefix).FullName;
        Directories[path] = true;
        return path;
    }

    /// <summary>Deletes a folder made by <see cref="CreateDirectory"/>.</summary>
    public static void Delete(string path)
    {
        Directories.TryRemove(path, out _);
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"warning: could not delete {path}: {e.Message}");
        }
    }

    /// <summary>Deletes every folder still left.</summary>
    public static void DeleteAll()
    {
        foreach (var path in Directories.Keys)
        {
            Delete(path);
        }
    }
}
