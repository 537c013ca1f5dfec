namespace Herald.WebConsole.Topics;

/// <summary>The message browser's form fields as the user typed them, to show them again with the results.</summary>
public sealed record BrowseForm(
    string? Partition = null,
    string? From = null,
    string? Offset = null,
    string? Time = null,
    string? Count = null,
    string? Search = null,
    string? Scan = null);
