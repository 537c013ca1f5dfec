using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Herald.WebConsole.Schemas;

/// <summary>How a line of one side of a side-by-side diff relates to the other side.</summary>
public enum LineChange
{
    /// <summary>On both sides.</summary>
    Unchanged,

    /// <summary>Only in the newer version.</summary>
    Added,

    /// <summary>Only in the older version.</summary>
    Removed,

    /// <summary>An empty line that keeps the two sides aligned.</summary>
    Filler,
}

/// <summary>One line of one side: its number in that version's text (none for a filler), text and change.</summary>
public sealed record DiffLine(int? Number, string Text, LineChange Change);

/// <summary>A side-by-side line diff: both sides have the same number of lines, so row i of each faces the other.</summary>
/// <param name="Old">The older version's lines, with fillers where the newer one has added lines.</param>
/// <param name="New">The newer version's lines, with fillers where the older one has removed lines.</param>
public sealed record LineDiff(IReadOnlyList<DiffLine> Old, IReadOnlyList<DiffLine> New)
{
    /// <summary>Lines only in the newer version.</summary>
    public int Added => New.Count(l => l.Change == LineChange.Added);

    /// <summary>Lines only in the older version.</summary>
    public int Removed => Old.Count(l => l.Change == LineChange.Removed);

    /// <summary>Diffs two texts line by line (DiffPlex's Myers diff; whitespace counts, so indentation changes show).</summary>
    public static LineDiff Compare(string oldText, string newText)
    {
        var model = SideBySideDiffBuilder.Diff(oldText, newText, ignoreWhiteSpace: false, ignoreCase: false);
        return new LineDiff(Side(model.OldText, LineChange.Removed), Side(model.NewText, LineChange.Added));
    }

    // A modified line is shown as removed on the old side and added on the new one: the console marks lines, not words.
    private static List<DiffLine> Side(DiffPaneModel pane, LineChange changed) =>
        [.. pane.Lines.Select(line => line.Type switch
        {
            ChangeType.Unchanged => new DiffLine(line.Position, line.Text ?? string.Empty, LineChange.Unchanged),
            ChangeType.Imaginary => new DiffLine(null, string.Empty, LineChange.Filler),
            _ => new DiffLine(line.Position, line.Text ?? string.Empty, changed),
        })];
}
