using Microsoft.Extensions.Logging;

namespace Herald.Broker.Log;

internal static partial class LogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Truncating {Path} at byte {Position} of {Length}: {Reason}")]
    public static partial void TruncatingSegment(this ILogger logger, string path, long position, long length, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebuilding the indexes of {Path}: they are missing or inconsistent")]
    public static partial void RebuildingIndexes(this ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closed segment {Path} is readable only up to byte {Position} of {Length}: {Reason}")]
    public static partial void DamagedClosedSegment(this ILogger logger, string path, long position, long length, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Append to {Directory} failed")]
    public static partial void AppendFailed(this ILogger logger, string directory, Exception exception);
}
