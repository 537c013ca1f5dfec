namespace Herald.Server.Tests.Deploy;

/// <summary>Files of this repository, found from the test's output folder.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The folder holding <c>Herald.slnx</c>.</summary>
    public static string Root => RootPath.Value;

    /// <summary>A path under the root, given with forward slashes as in the repository (<c>deploy/prometheus/x.yml</c>).</summary>
    public static string PathOf(string relativePath) => Path.Combine([Root, .. relativePath.Split('/')]);

    public static string ReadText(string relativePath) => File.ReadAllText(PathOf(relativePath));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Herald.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no folder holding Herald.slnx above {AppContext.BaseDirectory}: run the tests from a checkout of the repository");
    }
}
