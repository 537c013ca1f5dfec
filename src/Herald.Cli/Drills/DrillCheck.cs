namespace Herald.Cli.Drills;

/// <summary>One thing a drill checked, and whether it held.</summary>
internal sealed record DrillCheck(string What, bool Passed);
