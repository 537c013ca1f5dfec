namespace Herald.WebConsole.Topics;

/// <summary>What one browse found.</summary>
/// <param name="Messages">The matching records, newest first for <see cref="BrowseStart.Newest"/>, else oldest first.</param>
/// <param name="Scanned">Records read and tested (control records not counted).</param>
/// <param name="BytesRead">Batch bytes read from the log.</param>
/// <param name="StoppedAtLimit">The scan bound was reached before the browse was answered: more matches may exist.</param>
/// <param name="Continue">Where a next page starts (one partition only): the offset to read forward from, or to read below.</param>
/// <param name="Notes">Things the reader should know, e.g. batches in a codec the browser cannot read.</param>
public sealed record BrowseResult(
    IReadOnlyList<BrowsedMessage> Messages,
    int Scanned,
    long BytesRead,
    bool StoppedAtLimit,
    long? Continue,
    IReadOnlyList<string> Notes);
