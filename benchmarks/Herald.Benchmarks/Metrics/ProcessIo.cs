using System.Globalization;

namespace Herald.Benchmarks.Metrics;

/// <summary>
/// The rig process's I/O counters from <c>/proc/self/io</c> (Linux): <c>rchar</c> and <c>syscr</c> count every
/// read/pread/readv syscall on files, pipes and procfs — page-cache hits included, which is what shows whether a
/// scrape touches the log; <c>read_bytes</c> counts only what had to come from the block device.
/// </summary>
/// <param name="ReadChars">rchar: bytes returned by read-family syscalls.</param>
/// <param name="ReadSyscalls">syscr: read-family syscalls.</param>
/// <param name="StorageReadBytes">read_bytes: bytes fetched from storage (not the page cache).</param>
public readonly record struct ProcessIo(long ReadChars, long ReadSyscalls, long StorageReadBytes)
{
    /// <summary>The counters now; zeros when <c>/proc/self/io</c> cannot be read.</summary>
    public static ProcessIo Now()
    {
        long rchar = 0, syscr = 0, readBytes = 0;
        try
        {
            foreach (var line in File.ReadAllLines("/proc/self/io"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }

                var value = long.Parse(line.AsSpan(colon + 1).Trim(), CultureInfo.InvariantCulture);
                switch (line[..colon])
                {
                    case "rchar":
                        rchar = value;
                        break;
                    case "syscr":
                        syscr = value;
                        break;
                    case "read_bytes":
                        readBytes = value;
                        break;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new ProcessIo(rchar, syscr, readBytes);
    }

    /// <summary>What happened between <paramref name="before"/> and this reading.</summary>
    public ProcessIo Since(ProcessIo before) =>
        new(ReadChars - before.ReadChars, ReadSyscalls - before.ReadSyscalls, StorageReadBytes - before.StorageReadBytes);
}
