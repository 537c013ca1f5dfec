namespace Herald.WebConsole.Groups;

/// <summary>Route values as names: Kestrel decodes a path except <c>%2F</c>, so a group id with a slash arrives still encoded.</summary>
internal static class RouteValues
{
    /// <summary>The name a route value stands for.</summary>
    public static string Decode(string value) => value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
}
